import { Alert, Anchor, Container, Stack, Title } from '@mantine/core';
import { isRouteErrorResponse, useRouteError } from 'react-router';
import { PageTitle } from './page-title';

/**
 * Shown instead of React Router's developer error screen when a page crashes. It renders
 * outside the layout, so it keeps its own landmark and skip target.
 */
export function RouteErrorPage() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : 'This page failed to load. Reloading usually helps; if it keeps happening, tell your clinic.';

  return (
    <Container component="main" id="main" size="sm" py="xl">
      <PageTitle title="Something went wrong" />
      <Stack gap="md">
        <Title order={1}>Something went wrong</Title>
        <Alert color="red" title="The page could not be shown">
          {message}
        </Alert>
        {/* A full page load on purpose: it resets whatever state broke this page. */}
        <Anchor href="/" underline="always">
          Go to the OpenVisit home page
        </Anchor>
      </Stack>
    </Container>
  );
}
