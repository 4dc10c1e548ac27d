import { MantineProvider } from '@mantine/core';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router';
import { refreshSessionOnUnauthenticated } from './auth/session';
import { router } from './routes';
import { cssVariablesResolver, theme } from './shell/theme';

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: (error) => onApiError(error) }),
  mutationCache: new MutationCache({ onError: (error) => onApiError(error) }),
  defaultOptions: {
    queries: { staleTime: 30_000 },
  },
});
const onApiError = refreshSessionOnUnauthenticated(queryClient);

export function App() {
  return (
    // Light only: following the OS scheme without a flash needs Mantine's ColorSchemeScript,
    // an inline <script> the server's CSP (script-src 'self') refuses. index.html says light too.
    <MantineProvider
      theme={theme}
      cssVariablesResolver={cssVariablesResolver}
      forceColorScheme="light"
    >
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  );
}
