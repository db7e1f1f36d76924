// Types of scripts/build.js for the TypeScript that imports it (the test setup).
export function serverStale(): boolean;
export function webStale(): boolean;
export function buildServer(options?: { check?: boolean }): void;
export function buildWeb(): void;
export function ensureServerBuilt(): void;
export function ensureWebBuilt(): void;
