import '@mantine/core/styles.css';
import './app.css';
import { MantineProvider } from '@mantine/core';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { isApiError } from './lib/api.ts';
import { ME_KEY } from './lib/session.ts';
import { prefetchCustomerPages, router } from './routes.tsx';
import { cssVariablesResolver, theme } from './theme.ts';

// A 401 anywhere means the session ended (expired, signed out in another tab): back to sign-in.
const onError = (e: unknown) => {
  if (isApiError(e, 401) && queryClient.getQueryData(ME_KEY)) queryClient.setQueryData(ME_KEY, null);
};
const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: true,
      // A 4xx will not get better by asking again.
      retry: (n, e) => !(isApiError(e) && e.status >= 400 && e.status < 500) && n < 2,
    },
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
prefetchCustomerPages();
