import { Suspense } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Navigate, Outlet, useLocation } from 'react-router';
import { api } from '../../lib/api.ts';
import { useMeQuery } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';

export const SETUP_KEY = ['setup'] as const;

function useSetupStatus() {
  return useQuery({ queryKey: SETUP_KEY, queryFn: api.setupStatus, staleTime: Infinity });
}

/** Pages for people not signed in: first-run setup and sign-in. Sends each visitor where they belong. */
export function PublicGate() {
  const setup = useSetupStatus();
  const me = useMeQuery();
  const { pathname, search } = useLocation();
  if (setup.isPending || me.isPending) return <PageLoader />;
  if (setup.isError)
    return (
      <Centered>
        <QueryError error={setup.error} onRetry={() => void setup.refetch()} />
      </Centered>
    );
  if (setup.data.needsSetup && pathname !== '/setup') return <Navigate to="/setup" replace />;
  if (!setup.data.needsSetup && pathname === '/setup') return <Navigate to="/login" replace />;
  if (me.data) {
    const next = new URLSearchParams(search).get('next');
    return <Navigate to={next?.startsWith('/') ? next : '/'} replace />;
  }
  return (
    <Suspense fallback={<PageLoader />}>
      <Outlet />
    </Suspense>
  );
}

/** Everything else needs a session. */
export function SessionGate() {
  const setup = useSetupStatus();
  const me = useMeQuery();
  const { pathname, search } = useLocation();
  if (setup.isPending || me.isPending) return <PageLoader />;
  const error = setup.error ?? me.error;
  if (error)
    return (
      <Centered>
        <QueryError
          error={error}
          onRetry={() => {
            void setup.refetch();
            void me.refetch();
          }}
        />
      </Centered>
    );
  if (setup.data?.needsSetup) return <Navigate to="/setup" replace />;
  if (!me.data) {
    const here = pathname + search;
    return <Navigate to={here === '/' ? '/login' : `/login?next=${encodeURIComponent(here)}`} replace />;
  }
  return <Outlet />;
}

function Centered({ children }: { children: React.ReactNode }) {
  return <div style={{ maxWidth: 480, margin: '10vh auto', padding: 16 }}>{children}</div>;
}
