import { useId, useState, type FormEvent } from 'react';
import {
  Button,
  Card,
  Group,
  NativeSelect,
  Stack,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { npiProblem, providerProfileSchema, type ProviderProfile } from '@openvisit/contracts';
import { ApiProblem, apiSend } from '../api/client';
import { bodyFieldErrors, type FieldMessages } from '../api/field-errors';
import { FormProblemAlert } from '../auth/form-feedback';
import { useDraft } from '../shell/drafts';
import { SuccessNotice } from '../shell/live-region';
import { providerProfilePath, providerProfilesQuery } from './provider-queries';
import { timeZoneOptions } from '../shell/time-zones';

const splitList = (text: string) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** Messages for a list field, whatever its index (`languages.1` → `languages`). */
function listError(errors: FieldMessages, field: string) {
  return Object.entries(errors)
    .filter(([key]) => key === field || key.startsWith(`${field}.`))
    .map(([, message]) => message)
    .join(' ');
}

const profileFields = ['credentials', 'specialties', 'npi', 'languages', 'bio', 'timeZone'];

/**
 * What patients read about a provider, as the server lets it be changed (`PUT` replaces the
 * whole profile): an admin edits anyone's, a provider their own (`editor: 'self'`, which
 * only changes the wording). Licenses are not here: only admins record them.
 */
export function ProviderProfileForm({
  clinicId,
  provider,
  editor,
  headingOrder,
}: {
  clinicId: string;
  provider: ProviderProfile;
  editor: 'admin' | 'self';
  headingOrder: 2 | 3;
}) {
  const queryClient = useQueryClient();
  const headingId = useId();
  const key = (field: string) => `provider-profile:${provider.providerId}:${field}`;
  const [credentials, setCredentials] = useDraft(key('credentials'), provider.credentials ?? '');
  const [specialties, setSpecialties] = useDraft(
    key('specialties'),
    provider.specialties.join(', '),
  );
  const [npi, setNpi] = useDraft(key('npi'), provider.npi ?? '');
  const [languages, setLanguages] = useDraft(key('languages'), provider.languages.join(', '));
  const [bio, setBio] = useDraft(key('bio'), provider.bio ?? '');
  const [timeZone, setTimeZone] = useDraft(key('timeZone'), provider.timeZone ?? '');
  const [npiChecked, setNpiChecked] = useState(false);
  const [notice, setNotice] = useState('');

  const save = useMutation({
    mutationFn: () =>
      apiSend(
        'PUT',
        providerProfilePath(clinicId, provider.providerId),
        {
          credentials,
          specialties: splitList(specialties),
          npi: npi.trim() || null,
          languages: splitList(languages),
          bio,
          timeZone: timeZone || null,
        },
        providerProfileSchema,
      ),
    onSuccess: (saved) => {
      setNotice(
        editor === 'self'
          ? 'Your profile was saved.'
          : `Saved the profile of ${saved.displayName}.`,
      );
      void queryClient.invalidateQueries({ queryKey: providerProfilesQuery(clinicId).queryKey });
    },
  });
  const serverErrors = bodyFieldErrors(save.error);
  // Checked in the browser while typing (the same check digit rule as the server).
  const npiError =
    (npiChecked && npi.trim() ? npiProblem(npi.trim()) : undefined) ??
    serverErrors.npi ??
    (save.error instanceof ApiProblem && save.error.is('conflict') ? save.error.detail : undefined);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setNotice('');
    setNpiChecked(true);
    if (npi.trim() && npiProblem(npi.trim())) return;
    save.mutate();
  }

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby={headingId}>
      <Stack gap="md">
        <Title order={headingOrder} id={headingId}>
          Profile
        </Title>
        <SuccessNotice message={notice} />
        {save.isError && !(save.error instanceof ApiProblem && save.error.is('conflict')) && (
          <FormProblemAlert error={save.error} attempt={save.submittedAt} fields={profileFields} />
        )}
        <form onSubmit={handleSubmit} noValidate>
          <Stack gap="md">
            <TextInput
              label="Credentials"
              description={
                editor === 'self'
                  ? 'Verified by the clinic: ask an admin to change it.'
                  : 'For example MD, DO, NP, PA-C.'
              }
              readOnly={editor === 'self'}
              maxLength={40}
              value={credentials}
              onChange={(event) => setCredentials(event.currentTarget.value)}
              error={serverErrors.credentials}
            />
            <TextInput
              label="Specialties"
              description="Separate several with commas."
              value={specialties}
              onChange={(event) => setSpecialties(event.currentTarget.value)}
              error={listError(serverErrors, 'specialties') || undefined}
            />
            <TextInput
              label="NPI"
              description={
                editor === 'self'
                  ? 'Verified by the clinic: ask an admin to change it.'
                  : 'National Provider Identifier: 10 digits.'
              }
              readOnly={editor === 'self'}
              inputMode="numeric"
              autoComplete="off"
              maxLength={10}
              value={npi}
              onChange={(event) => setNpi(event.currentTarget.value)}
              onBlur={() => setNpiChecked(true)}
              error={npiError}
            />
            <TextInput
              label="Languages"
              description="Language tags, separated by commas: en for English, es for Spanish, zh for Chinese."
              value={languages}
              onChange={(event) => setLanguages(event.currentTarget.value)}
              error={listError(serverErrors, 'languages') || undefined}
            />
            <NativeSelect
              label="Time zone"
              description={
                editor === 'self'
                  ? 'Where you work; your availability is set in it.'
                  : 'Where the provider works; availability is set in it.'
              }
              value={timeZone}
              onChange={(event) => setTimeZone(event.currentTarget.value)}
              data={[{ value: '', label: 'Not set' }, ...timeZoneOptions(timeZone)]}
              error={serverErrors.timeZone}
            />
            <Textarea
              label="About"
              description={`Shown to patients. ${bio.length.toLocaleString()} of 2,000 characters.`}
              autosize
              minRows={3}
              maxRows={10}
              maxLength={2000}
              value={bio}
              onChange={(event) => setBio(event.currentTarget.value)}
              error={serverErrors.bio}
            />
            <Group>
              <Button type="submit" loading={save.isPending}>
                Save profile
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
    </Card>
  );
}
