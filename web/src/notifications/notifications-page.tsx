import { useRef, useState, type FormEvent } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  Fieldset,
  Group,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  normalizePhoneNumber,
  type NotificationPreferences,
  type NotificationPreferencesUpdate,
} from '@openvisit/contracts';
import { ApiProblem } from '../api/client';
import { bodyFieldErrors } from '../api/field-errors';
import { useSession } from '../auth/session';
import { FormProblemAlert } from '../auth/form-feedback';
import { profileQuery } from '../chart/chart-queries';
import { useOwnRecord } from '../chart/my-record-pages';
import { SuccessNotice } from '../shell/live-region';
import { PageTitle } from '../shell/page-title';
import { QueryStatus } from '../shell/query-status';
import { TextLink } from '../shell/text-link';
import { notificationPreferencesQuery, saveNotificationPreferences } from './notification-queries';

interface Form {
  emailEnabled: boolean;
  smsEnabled: boolean;
  smsNumber: string;
}

const fields = ['emailEnabled', 'smsEnabled', 'smsNumber'] as const;

const formOf = (saved: NotificationPreferences, suggestedNumber: string | undefined): Form => ({
  emailEnabled: saved.emailEnabled,
  smsEnabled: saved.smsEnabled,
  smsNumber: saved.smsNumber ?? suggestedNumber ?? '',
});

/**
 * How a person hears about their visits: email, text messages, or both. Texts go to one
 * mobile number; a number that replied STOP gets none until it texts START.
 */
export function NotificationsPage() {
  const queryClient = useQueryClient();
  const session = useSession();
  const saved = useQuery(notificationPreferencesQuery);
  const suggestedNumber = useProfilePhone(
    saved.data !== undefined && saved.data.smsNumber === null,
  );
  const [draft, setDraft] = useState<Form | null>(null);
  const [localError, setLocalError] = useState<string | undefined>();
  const [notice, setNotice] = useState('');
  const numberInput = useRef<HTMLInputElement>(null);

  const save = useMutation({
    mutationFn: saveNotificationPreferences,
    onSuccess: (result) => {
      queryClient.setQueryData(notificationPreferencesQuery.queryKey, result);
      setDraft(null);
      setNotice(
        result.smsEnabled
          ? `Your notification settings are saved. Texts go to ${result.smsNumber}.`
          : 'Your notification settings are saved.',
      );
    },
    // A problem with the number (malformed, or it replied STOP) is shown under the field.
    onError: (error) => {
      if (bodyFieldErrors(error).smsNumber) numberInput.current?.focus();
    },
  });

  const email = session.status === 'signed-in' ? session.session.user.email : undefined;
  const isPatient = useOwnRecord() !== undefined;

  if (!saved.data) {
    return (
      <Stack gap="lg" maw={640}>
        <PageTitle title="Notifications" />
        <Title order={1}>Notifications</Title>
        <QueryStatus query={saved} loadingLabel="Loading your notification settings…" />
      </Stack>
    );
  }

  const form = draft ?? formOf(saved.data, suggestedNumber);
  const prefilled =
    draft === null && saved.data.smsNumber === null && suggestedNumber !== undefined;
  const serverErrors = bodyFieldErrors(save.error);
  const numberError = localError ?? serverErrors.smsNumber;
  const optedOut = save.error instanceof ApiProblem && save.error.is('sms-opted-out');
  // The saved number replied STOP (the carrier blocks texts to it); say so until it changes.
  const savedNumberOptedOut =
    saved.data.smsOptedOut && normalizePhoneNumber(form.smsNumber) === saved.data.smsNumber;

  const change = (next: Partial<Form>) => {
    setNotice('');
    setLocalError(undefined);
    setDraft({ ...form, ...next });
  };

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setNotice('');
    const typed = form.smsNumber.trim();
    const normalized = typed ? normalizePhoneNumber(typed) : null;
    const problem =
      normalized === undefined
        ? 'Enter a mobile number with its country code, e.g. +1 555 123 4567.'
        : form.smsEnabled && normalized === null
          ? 'Enter the mobile number texts should go to.'
          : undefined;
    setLocalError(problem);
    if (problem) {
      save.reset();
      numberInput.current?.focus();
      return;
    }
    const body: NotificationPreferencesUpdate = {
      emailEnabled: form.emailEnabled,
      smsEnabled: form.smsEnabled,
      smsNumber: normalized ?? null,
    };
    save.mutate(body);
  }

  return (
    <Stack gap="lg" maw={640}>
      <PageTitle title="Notifications" />
      <Stack gap="xs">
        <Title order={1}>Notifications</Title>
        <Text>
          Choose how we tell you about your visits: when one is booked, moved or cancelled, and
          reminders before it starts.
        </Text>
      </Stack>

      <Alert color="blue" title="What our messages say" role="none">
        Emails and texts never contain medical details: no reasons for visits, results, notes or
        messages from your care team. They say only who and when, with a link to sign in here and
        see the rest.
      </Alert>

      <SuccessNotice message={notice} />

      {save.isError && !optedOut && (
        <FormProblemAlert error={save.error} attempt={save.submittedAt} fields={fields} />
      )}

      <form onSubmit={handleSubmit} noValidate aria-label="Notification settings">
        <Stack gap="md">
          <Fieldset legend="Send me notices by">
            <Stack gap="md">
              <Checkbox
                label="Email"
                description={email ? `To ${email}` : undefined}
                checked={form.emailEnabled}
                onChange={(event) => change({ emailEnabled: event.currentTarget.checked })}
              />
              <Checkbox
                label="Text messages (SMS)"
                description="Message and data rates may apply. Reply STOP to any text to stop them, START to allow them again."
                checked={form.smsEnabled}
                onChange={(event) => change({ smsEnabled: event.currentTarget.checked })}
              />
              <TextInput
                ref={numberInput}
                label="Mobile number for texts"
                description={
                  prefilled
                    ? 'Filled in from your details: check that it is a mobile number. Include the country code, e.g. +1 555 123 4567.'
                    : 'Include the country code, e.g. +1 555 123 4567. US numbers may leave out +1.'
                }
                type="tel"
                autoComplete="tel"
                inputMode="tel"
                required={form.smsEnabled}
                value={form.smsNumber}
                error={numberError}
                onChange={(event) => change({ smsNumber: event.currentTarget.value })}
                onBlur={() => {
                  // Shown as it will be saved: +15551234567.
                  const normalized = normalizePhoneNumber(form.smsNumber);
                  if (normalized && normalized !== form.smsNumber) {
                    setDraft({ ...form, smsNumber: normalized });
                  }
                }}
              />
              {(optedOut || savedNumberOptedOut) && (
                <Alert color="orange" title="This number asked us to stop texting" role="none">
                  It replied STOP to one of our texts, so we cannot text it. To get texts again,
                  send START from that phone to the number our texts come from, then turn text
                  messages on here.
                </Alert>
              )}
            </Stack>
          </Fieldset>
          {!form.emailEnabled && !form.smsEnabled && (
            <Text size="sm">
              With both off, you will not hear from us about changes to your visits.
              {isPatient && (
                <>
                  {' '}
                  Check <TextLink to="/patient/visits">My visits</TextLink> before each one.
                </>
              )}
            </Text>
          )}
          <Group>
            <Button type="submit" loading={save.isPending}>
              Save notification settings
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

/**
 * A patient's phone from their details, when it reads as a number texts can go to: a
 * suggestion for the mobile number field while none is saved.
 */
function useProfilePhone(wanted: boolean): string | undefined {
  const record = useOwnRecord();
  const profile = useQuery({
    ...profileQuery(record?.clinicId ?? '', record?.patientId ?? ''),
    enabled: wanted && record !== undefined,
  });
  const phone = profile.data?.profile?.phone;
  return phone ? normalizePhoneNumber(phone) : undefined;
}
