import { Alert } from '@mantine/core';
import { MESSAGING_EMERGENCY_NOTICE } from '@openvisit/contracts';

/**
 * "Not for emergencies", where a patient writes or reads messages. A note, not an alert: it
 * is there from the first paint, and should be read in order rather than interrupt.
 */
export function EmergencyNotice() {
  return (
    <Alert color="red" title="Not for emergencies" role="note">
      {MESSAGING_EMERGENCY_NOTICE}
    </Alert>
  );
}
