/** Who is making a request, and what they may do. Produced by authentication, read by every route. */
export type Scope = 'read' | 'write' | 'admin';
export const SCOPES: readonly Scope[] = ['read', 'write', 'admin'];

export type Actor = {
  workspaceId: string;
  kind: 'user' | 'apikey' | 'cli';
  id: string;
  scopes: ReadonlySet<Scope>;
  role?: 'owner' | 'staff';
};

/** The audit-log spelling of an actor, e.g. `user:0193…`. */
export const actorRef = (a: Actor): string => (a.kind === 'cli' ? 'cli' : `${a.kind}:${a.id}`);
