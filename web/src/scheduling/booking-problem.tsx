import { Alert } from '@mantine/core';
import { ApiProblem } from '../api/client';
import { describeError } from '../api/describe-error';
import { TextLink } from '../shell/text-link';

/** Problems after which the offered times are stale: the picker should ask again. */
export const staleTimeProblems = ['slot-taken', 'slot-unavailable'];

export const isStaleTime = (error: unknown) =>
  error instanceof ApiProblem && staleTimeProblems.some((code) => error.is(code));

/**
 * Why a booking or a move was refused, in the patient's words, with the way forward. The
 * server's detail is kept where it names what is missing (which consents).
 */
export function BookingProblem({ error }: { error: unknown }) {
  if (error instanceof ApiProblem) {
    if (error.is('consent-required')) {
      return (
        <Alert color="red" title="Please sign your consent forms first">
          Your clinic needs your signature on its consent forms before you book.{' '}
          {error.detail ? `${error.detail} ` : ''}
          <TextLink to="/patient/consents">Read and sign the consent forms</TextLink>, then come
          back to book.
        </Alert>
      );
    }
    if (error.is('slot-taken')) {
      return (
        <Alert color="red" title="This time was just taken">
          Someone else booked this time a moment ago. The open times have been refreshed: please
          choose another.
        </Alert>
      );
    }
    if (error.is('slot-unavailable')) {
      return (
        <Alert color="red" title="This time is no longer offered">
          The provider&apos;s hours changed or the time is now too close. The open times have been
          refreshed: please choose another.
        </Alert>
      );
    }
    if (error.is('provider-not-licensed')) {
      return (
        <Alert color="red" title="This provider cannot see you in your state">
          The provider is not licensed in the state on your profile at the time of this visit.
          Choose another provider, or <TextLink to="/patient/profile">check your state</TextLink> if
          you are somewhere else.
        </Alert>
      );
    }
    if (error.is('patient-location-unknown')) {
      return (
        <Alert color="red" title="Add your state first">
          Providers may only see you where they are licensed, so we need to know which state you are
          in. <TextLink to="/patient/profile">Add your state to your details</TextLink>.
        </Alert>
      );
    }
    if (error.is('patient-double-booked')) {
      return (
        <Alert color="red" title="You already have a visit at this time">
          You cannot be in two visits at once. Choose another time, or change the other visit in{' '}
          <TextLink to="/patient/visits">My visits</TextLink>.
        </Alert>
      );
    }
    if (error.is('appointment-not-changeable')) {
      return (
        <Alert color="red" title="This visit can no longer be changed">
          {error.detail ?? 'It has started, or was already cancelled or moved.'}
        </Alert>
      );
    }
  }
  const { title, message } = describeError(error);
  return (
    <Alert color="red" title={title}>
      {message}
    </Alert>
  );
}
