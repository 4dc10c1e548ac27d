import type { DocumentCategory } from '@openvisit/contracts';

export const categoryLabels: Record<DocumentCategory, string> = {
  'insurance-card': 'Insurance card',
  'lab-result': 'Lab result',
  imaging: 'Imaging',
  referral: 'Referral',
  identification: 'ID document',
  visit: 'Visit document',
  other: 'Other',
};

/** "512 bytes", "14 KB", "3.2 MB": sizes as people read them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}

/** What the file input offers; the server decides from the content, not the name. */
export const acceptedFileTypes = '.pdf,.jpg,.jpeg,.png,.heic';
export const acceptedDescription = 'PDF, JPEG, PNG or HEIC';
