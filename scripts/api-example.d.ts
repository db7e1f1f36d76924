// Types of scripts/api-example.js for the TypeScript that imports it (test/package.smoke.db.test.ts).
export type ExampleResult = {
  ok: boolean;
  failures: string[];
  steps: { what: string; out: string }[];
  events: string;
  stderr: string;
};
export function readmeBlock(title: string, readme?: string): string;
export function commandsOf(block: string): string[];
export function exampleScript(o: { url: string; rapport: string; eventsLog: string }): string;
export function runExample(o?: { url?: string; rapport?: string; env?: NodeJS.ProcessEnv }): ExampleResult;
