import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints, after a run, the slowest test files (import + tests and hooks, in their worker) and every skipped
 * or todo test by name: a run should skip nothing, and in CI (`.ci/run`) a skipped test fails the build.
 */
export default class SlowestReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    const rows = modules.map((m) => {
      const d = m.diagnostic();
      return { file: m.relativeModuleId, project: m.project.name, ms: d.collectDuration + d.duration };
    });
    if (rows.length === 0) return;
    rows.sort((a, b) => b.ms - a.ms);
    const total = rows.reduce((s, r) => s + r.ms, 0);
    const out = [
      `\nSlowest test files (of ${rows.length}; ${(total / 1000).toFixed(0)} s summed over workers):`,
    ];
    for (const r of rows.slice(0, 12))
      out.push(`  ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${r.project.padEnd(8)}  ${r.file}`);
    const skipped: string[] = [];
    for (const m of modules)
      for (const t of m.children.allTests())
        if (t.result().state === 'skipped') skipped.push(`${m.relativeModuleId} › ${t.fullName}`);
    if (skipped.length) {
      out.push(`\n${skipped.length} skipped or todo test(s):`);
      for (const s of skipped.slice(0, 30)) out.push(`  ${s}`);
      if (skipped.length > 30) out.push(`  … and ${skipped.length - 30} more`);
    }
    console.log(out.join('\n'));
  }
}
