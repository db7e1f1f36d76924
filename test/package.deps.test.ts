/**
 * The runtime dependencies are exactly what the compiled server and CLI import: nothing in dist/ needs a
 * devDependency (a production install, `npm ci --omit=dev`, would break), and no runtime dependency is there
 * only for the build or for nothing (tsx, vite, react, … belong in devDependencies).
 */
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST = path.join(ROOT, 'dist');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function jsFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? jsFiles(path.join(dir, e.name))
        : e.name.endsWith('.js')
          ? [path.join(dir, e.name)]
          : [],
    );
}

const packageOf = (specifier: string) =>
  specifier.startsWith('@')
    ? specifier.split('/').slice(0, 2).join('/')
    : (specifier.split('/')[0] as string);
const builtin = (s: string) => s.startsWith('node:') || builtinModules.includes(packageOf(s));

/** Every package the compiled code imports (static, dynamic and re-exports), with the files that do. */
function runtimeImports(): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  for (const file of jsFiles(DIST)) {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (fileName.startsWith('.') || fileName.startsWith('/') || builtin(fileName)) continue;
      const pkg = packageOf(fileName);
      seen.set(pkg, [...(seen.get(pkg) ?? []), path.relative(ROOT, file)]);
    }
  }
  return seen;
}

describe('dependencies (package.json) against what dist/ imports', () => {
  const imports = runtimeImports();
  const runtime = Object.keys(manifest.dependencies);

  it('finds the compiled server and CLI and what they import', () => {
    expect(fs.existsSync(path.join(DIST, 'main.js'))).toBe(true);
    expect(fs.existsSync(path.join(DIST, 'cli', 'main.js'))).toBe(true);
    expect([...imports.keys()]).toEqual(
      expect.arrayContaining(['fastify', 'kysely', 'better-sqlite3', 'pg']),
    );
  });

  it('every package the compiled code imports is a runtime dependency', () => {
    const missing = [...imports]
      .filter(([pkg]) => !runtime.includes(pkg))
      .map(([pkg, files]) => ({
        pkg,
        devDependency: pkg in manifest.devDependencies,
        importedBy: files.slice(0, 3),
      }));
    expect(missing, 'move these to "dependencies" (or stop importing them at runtime)').toEqual([]);
  });

  it('every runtime dependency is imported by the compiled code (build-only and unused ones are not)', () => {
    const unused = runtime.filter((pkg) => !imports.has(pkg));
    expect(unused, 'move these to "devDependencies", or remove them').toEqual([]);
  });

  it('the build tools and the web app are devDependencies', () => {
    for (const pkg of ['typescript', 'tsx', 'vite', 'react', 'react-dom', '@vitejs/plugin-react'])
      expect(manifest.devDependencies, pkg).toHaveProperty([pkg]);
  });
});
