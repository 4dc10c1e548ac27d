import { useEffect, useRef, useState, type FormEvent } from 'react';
import {
  Alert,
  Button,
  Card,
  Group,
  Modal,
  NativeSelect,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  licenseCreatedSchema,
  usJurisdictions,
  usStateLabel,
  usStates,
  type ProviderLicenseView,
  type ProviderProfile,
  type UsState,
} from '@openvisit/contracts';
import { apiSend } from '../api/client';
import { describeError } from '../api/describe-error';
import { bodyFieldErrors } from '../api/field-errors';
import { FormProblemAlert } from '../auth/form-feedback';
import { useAdminClinicId } from '../auth/clinic-of';
import { ExpiringSoonNote, LicenseBadge } from '../providers/license-status';
import { ProviderPhoto } from '../providers/provider-photo';
import { ProviderPhotoForm } from '../providers/provider-photo-form';
import { ProviderProfileForm } from '../providers/provider-profile-form';
import {
  formatCalendarDate,
  providerProfilePath,
  providerProfilesQuery,
} from '../providers/provider-queries';
import { useDraft } from '../shell/drafts';
import { SuccessNotice } from '../shell/live-region';
import { PageTitle } from '../shell/page-title';
import { QueryStatus } from '../shell/query-status';

/** Admins keep provider profiles (NPI, specialties, languages) and state licenses. */
export function ProvidersPage() {
  const clinicId = useAdminClinicId();
  return (
    <Stack gap="lg" maw={1100}>
      <PageTitle title="Providers" />
      <Title order={1}>Providers</Title>
      <Text>
        What patients see when they choose a provider, and the state licenses that decide whom each
        provider may see: a patient can only book a provider who holds an active license in the
        state where the patient is.
      </Text>
      {clinicId ? (
        <ProviderAdmin clinicId={clinicId} />
      ) : (
        <Text>Only clinic admins manage provider profiles and licenses.</Text>
      )}
    </Stack>
  );
}

function ProviderAdmin({ clinicId }: { clinicId: string }) {
  const providers = useQuery(providerProfilesQuery(clinicId));
  const [selectedId, setSelectedId] = useState<string | undefined>();
  const selected = providers.data?.providers.find((p) => p.providerId === selectedId);
  return (
    <>
      <QueryStatus query={providers} loadingLabel="Loading providers…" />
      {providers.data?.providers.length === 0 && (
        <Text>No providers yet. Invite one on the People page.</Text>
      )}
      {providers.data && providers.data.providers.length > 0 && (
        <ProviderTable
          clinicId={clinicId}
          providers={providers.data.providers}
          onManage={setSelectedId}
        />
      )}
      {selected && (
        <ProviderEditor key={selected.providerId} clinicId={clinicId} provider={selected} />
      )}
    </>
  );
}

function ProviderTable({
  clinicId,
  providers,
  onManage,
}: {
  clinicId: string;
  providers: ProviderProfile[];
  onManage: (providerId: string) => void;
}) {
  return (
    <Table.ScrollContainer minWidth={920}>
      <Table verticalSpacing="sm" striped>
        <Table.Caption>Providers at your clinic</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Photo</Table.Th>
            <Table.Th scope="col">Name</Table.Th>
            <Table.Th scope="col">Credentials</Table.Th>
            <Table.Th scope="col">Specialties</Table.Th>
            <Table.Th scope="col">NPI</Table.Th>
            <Table.Th scope="col">Licenses</Table.Th>
            <Table.Th scope="col">Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {providers.map((provider) => {
            const nameId = `provider-${provider.providerId}-name`;
            const live = provider.licenses.filter((l) => l.status !== 'revoked');
            return (
              <Table.Tr key={provider.providerId}>
                <Table.Td>
                  <ProviderPhoto clinicId={clinicId} provider={provider} size={48} />
                </Table.Td>
                <Table.Th scope="row" id={nameId} fw={600}>
                  {provider.displayName}
                </Table.Th>
                <Table.Td>{provider.credentials ?? '—'}</Table.Td>
                <Table.Td>{provider.specialties.join(', ') || '—'}</Table.Td>
                <Table.Td>{provider.npi ?? '—'}</Table.Td>
                <Table.Td>
                  {live.length === 0 ? (
                    'None'
                  ) : (
                    <Group gap={4}>
                      {live.map((license) => (
                        <LicenseBadge key={license.id ?? license.state} license={license} />
                      ))}
                    </Group>
                  )}
                </Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="default"
                    aria-describedby={nameId}
                    onClick={() => onManage(provider.providerId)}
                  >
                    Manage
                  </Button>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function ProviderEditor({ clinicId, provider }: { clinicId: string; provider: ProviderProfile }) {
  const heading = useRef<HTMLHeadingElement>(null);
  // Opened from the table (mounted once per provider): take the keyboard user to the editor.
  useEffect(() => heading.current?.focus(), []);
  return (
    <Stack gap="lg" component="section" aria-labelledby="editor-heading">
      <Title order={2} id="editor-heading" ref={heading} tabIndex={-1}>
        {provider.displayName}
      </Title>
      <ProviderPhotoForm clinicId={clinicId} provider={provider} editor="admin" headingOrder={3} />
      <ProviderProfileForm
        clinicId={clinicId}
        provider={provider}
        editor="admin"
        headingOrder={3}
      />
      <Licenses clinicId={clinicId} provider={provider} />
    </Stack>
  );
}

const today = () => {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
};

function Licenses({ clinicId, provider }: { clinicId: string; provider: ProviderProfile }) {
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState('');
  const [revoking, setRevoking] = useState<ProviderLicenseView | undefined>();
  const base = `${providerProfilePath(clinicId, provider.providerId)}/licenses`;
  const refresh = () =>
    void queryClient.invalidateQueries({ queryKey: providerProfilesQuery(clinicId).queryKey });
  const revoke = useMutation({
    mutationFn: (license: ProviderLicenseView) =>
      apiSend('POST', `${base}/${encodeURIComponent(license.id!)}/revoke`),
    onSuccess: (_result, license) => {
      setRevoking(undefined);
      setNotice(`Revoked the ${license.state} license of ${provider.displayName}.`);
      refresh();
    },
  });

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="licenses-heading">
      <Stack gap="md">
        <Title order={3} id="licenses-heading">
          State licenses
        </Title>
        <Text size="sm">
          A license is active through its expiry date (the last valid day, ending at midnight in the
          state&apos;s easternmost time zone). Replaced and revoked licenses stay in the list.
        </Text>
        <SuccessNotice message={notice} />
        {provider.licenses.length === 0 ? (
          <Text>No licenses recorded.</Text>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="xs" striped>
              <Table.Caption>Licenses of {provider.displayName}</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">State</Table.Th>
                  <Table.Th scope="col">License number</Table.Th>
                  <Table.Th scope="col">Valid through</Table.Th>
                  <Table.Th scope="col">Status</Table.Th>
                  <Table.Th scope="col">Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {provider.licenses.map((license) => {
                  const rowId = `license-${license.id}`;
                  return (
                    <Table.Tr key={license.id}>
                      <Table.Th scope="row" id={rowId} fw={400}>
                        {usStateLabel(license.state as UsState)}
                      </Table.Th>
                      <Table.Td>{license.licenseNumber}</Table.Td>
                      <Table.Td>
                        {license.expiresOn ? formatCalendarDate(license.expiresOn) : '—'}
                        <ExpiringSoonNote license={license} />
                      </Table.Td>
                      <Table.Td>
                        <LicenseBadge license={license} />
                      </Table.Td>
                      <Table.Td>
                        {license.status !== 'revoked' && (
                          <Button
                            size="xs"
                            variant="outline"
                            color="red.9"
                            aria-describedby={rowId}
                            onClick={() => {
                              revoke.reset();
                              setNotice('');
                              setRevoking(license);
                            }}
                          >
                            Revoke
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <AddLicense
          clinicId={clinicId}
          provider={provider}
          onAdded={(message) => {
            setNotice(message);
            refresh();
          }}
        />
      </Stack>
      <Modal
        opened={revoking !== undefined}
        onClose={() => setRevoking(undefined)}
        title={revoking ? `Revoke the ${revoking.state} license?` : ''}
        closeButtonProps={{ 'aria-label': 'Cancel' }}
      >
        {revoking && (
          <Stack gap="md">
            <Text>
              {provider.displayName} will no longer be offered to, or able to see, patients located
              in {usJurisdictions[revoking.state as UsState]?.name ?? revoking.state}. The license
              stays in the history.
            </Text>
            {revoke.isError && (
              <Alert color="red" title={describeError(revoke.error).title}>
                {describeError(revoke.error).message}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setRevoking(undefined)}>
                Cancel
              </Button>
              <Button
                color="red.9"
                loading={revoke.isPending}
                onClick={() => revoke.mutate(revoking)}
              >
                Revoke license
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Card>
  );
}

const licenseFields = ['state', 'licenseNumber', 'expiresOn'];

function AddLicense({
  clinicId,
  provider,
  onAdded,
}: {
  clinicId: string;
  provider: ProviderProfile;
  onAdded: (message: string) => void;
}) {
  const key = (field: string) => `license:${provider.providerId}:${field}`;
  const [state, setState] = useDraft<UsState | ''>(key('state'), '');
  const [licenseNumber, setLicenseNumber] = useDraft(key('number'), '');
  const [expiresOn, setExpiresOn] = useDraft(key('expiresOn'), '');
  const add = useMutation({
    mutationFn: () =>
      apiSend(
        'POST',
        `${providerProfilePath(clinicId, provider.providerId)}/licenses`,
        { state, licenseNumber, expiresOn },
        licenseCreatedSchema,
      ),
    onSuccess: (created) => {
      onAdded(
        `Added the ${state} license of ${provider.displayName}` +
          (created.replacedId ? '; the one it replaces is kept as revoked.' : '.'),
      );
      setState('');
      setLicenseNumber('');
      setExpiresOn('');
    },
  });
  const errors = bodyFieldErrors(add.error);
  const replacing = provider.licenses.some((l) => l.state === state && l.status !== 'revoked');

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onAdded('');
    add.mutate();
  }

  return (
    <form onSubmit={handleSubmit} noValidate aria-labelledby="add-license-heading">
      <Stack gap="sm">
        <Title order={4} id="add-license-heading">
          Add a license
        </Title>
        {add.isError && (
          <FormProblemAlert error={add.error} attempt={add.submittedAt} fields={licenseFields} />
        )}
        <Group align="flex-start" grow>
          <NativeSelect
            label="State"
            required
            value={state}
            onChange={(event) => setState(event.currentTarget.value as UsState | '')}
            data={[
              { value: '', label: 'Choose a state' },
              ...usStates.map((code) => ({ value: code, label: usStateLabel(code) })),
            ]}
            description={
              replacing ? `Replaces the current ${state} license (kept as revoked).` : undefined
            }
            error={errors.state}
          />
          <TextInput
            label="License number"
            required
            maxLength={40}
            autoComplete="off"
            value={licenseNumber}
            onChange={(event) => setLicenseNumber(event.currentTarget.value)}
            error={errors.licenseNumber}
          />
          <TextInput
            label="Expires on"
            description="The last day it is valid."
            type="date"
            required
            min={today()}
            value={expiresOn}
            onChange={(event) => setExpiresOn(event.currentTarget.value)}
            error={errors.expiresOn}
          />
        </Group>
        <Group>
          <Button type="submit" loading={add.isPending}>
            Add license
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
