import { beforeEach, describe } from 'vitest';
import { browserAvailability } from './browser.ts';

/**
 * One user journey in chromium, written as steps that build on each other (one server, one signed-in page,
 * the data the earlier steps made). The dependency is explicit: the steps run in order, never concurrently
 * or shuffled, and once a step fails every later step fails at once, naming the step that broke the journey,
 * instead of failing obscurely on the page it left behind (or being skipped). Without chromium the journey is
 * skipped with a message, except in CI, where that is a failure (see browserAvailability).
 */
export function journey(name: string, steps: () => void): void {
  if (!browserAvailability().run) {
    describe.skip(name, steps);
    return;
  }
  describe.sequential(name, () => {
    let broken: string | undefined;
    beforeEach(({ task, onTestFailed }) => {
      if (broken) throw new Error(`not run: an earlier step of this journey failed ("${broken}")`);
      onTestFailed(() => {
        broken ??= task.name;
      });
    });
    steps();
  });
}
