import { Badge } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { TextLink } from '../shell/text-link';
import { consentStatusQuery } from './consent-queries';
import { usePatientSelf } from './consents-page';

/** "Consent forms", with a badge counting the documents waiting for the patient's signature. */
export function ConsentsLink() {
  const self = usePatientSelf();
  const status = useQuery({
    ...consentStatusQuery(self?.clinicId ?? '', self?.patientId ?? ''),
    enabled: self !== undefined,
  });
  const waiting = status.data?.consents.filter((c) => !c.signed && (c.required || c.resign)).length;
  return (
    <>
      <TextLink to="/patient/consents">Consent forms</TextLink>
      {waiting ? (
        <Badge ml="xs" color="blue.9" radius="sm" tt="none">
          {waiting === 1 ? '1 to sign' : `${waiting} to sign`}
        </Badge>
      ) : null}
      : telehealth consent, privacy notice
    </>
  );
}
