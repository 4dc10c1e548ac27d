import { ApiProblem, ApiUnexpectedResponse, ApiUnreachable } from './client';

export interface ErrorDescription {
  title: string;
  message: string;
}

/** Turns a failed request into words for an Alert; never shows a stack or raw body. */
export function describeError(error: unknown): ErrorDescription {
  if (error instanceof ApiUnreachable) {
    return {
      title: 'Cannot reach the OpenVisit server',
      message: `The request got no answer (${error.message}). The server may be stopped or restarting, or your network may be down.`,
    };
  }
  if (error instanceof ApiProblem && isGatewayFailure(error)) {
    return {
      title: 'Cannot reach the OpenVisit server',
      message: `The proxy in front of it answered ${error.status} ${error.title}. The server may be stopped or restarting.`,
    };
  }
  if (error instanceof ApiProblem && error.is('rate-limited')) {
    return {
      title: 'Too many attempts',
      message: `${error.detail ?? 'Wait a minute.'} Nothing was changed.`,
    };
  }
  if (error instanceof ApiProblem) {
    const detail = error.detail ? ` ${error.detail}` : '';
    return {
      title: 'The server answered with an error',
      message: `${error.status} ${error.title}.${detail}`,
    };
  }
  if (error instanceof ApiUnexpectedResponse) {
    return {
      title: 'The server sent an answer this page does not understand',
      message: `${error.message}. The web app and the server may be different versions; reload the page.`,
    };
  }
  return {
    title: 'Something went wrong',
    message: error instanceof Error ? error.message : 'An unknown error occurred.',
  };
}

/**
 * Our server always answers errors as problem+json; a bare 502/503/504 comes from a proxy or
 * load balancer in front of it that found no healthy server to forward to.
 */
function isGatewayFailure(error: ApiProblem): boolean {
  return error.type === 'about:blank' && [502, 503, 504].includes(error.status);
}
