import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api, isApiError } from './api.ts';
import type { Me } from './api.ts';

export const ME_KEY = ['me'] as const;
/** The query keys of the session and the workspace's access settings. */
export const accessKeys = {
  me: ME_KEY,
  apiKeys: ['api-keys'] as const,
};

/** The signed-in user and workspace; `data` is null when nobody is signed in. */
export function useMeQuery() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: async (): Promise<Me | null> => {
      try {
        return await api.me();
      } catch (e) {
        if (isApiError(e, 401)) return null;
        throw e;
      }
    },
    staleTime: 60_000,
    retry: (n, e) => !isApiError(e) && n < 2,
  });
}

/** The session, for components rendered inside the signed-in shell (where it is known to exist). */
export function useMe(): Me {
  const { data } = useMeQuery();
  if (!data) throw new Error('useMe outside a signed-in page');
  return data;
}

export const isOwner = (me: Me) => me.user?.role === 'owner';

/** After sign-out: forget everything cached for the previous user. */
export function forgetSession(qc: QueryClient) {
  qc.setQueryData(ME_KEY, null);
  qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
}
