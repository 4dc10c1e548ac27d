import { Avatar, type MantineSize } from '@mantine/core';
import type { ProviderProfile } from '@openvisit/contracts';
import { providerPhotoUrl } from './provider-queries';

/** "LC" for "Dr. Lin Chen": the first and last names' initials, titles ("Dr.") left out. */
function initialsOf(name: string) {
  const words = name.split(/\s+/).filter((word) => word && !word.endsWith('.'));
  const letters = [words[0], words.length > 1 ? words[words.length - 1] : undefined];
  return letters.map((word) => word?.[0]?.toUpperCase() ?? '').join('');
}

/**
 * A provider's photo, named for screen readers ("Photo of Dr. Lin Chen"); without one, their
 * initials on a dark tile (white on gray-7 is 9:1), announced as having no photo.
 */
export function ProviderPhoto({
  clinicId,
  provider,
  size,
}: {
  clinicId: string;
  provider: Pick<ProviderProfile, 'providerId' | 'photoId' | 'displayName'>;
  size: MantineSize | number;
}) {
  const src = providerPhotoUrl(clinicId, provider);
  return (
    <Avatar
      src={src}
      alt={`Photo of ${provider.displayName}`}
      size={size}
      radius="md"
      variant="filled"
      color="gray.7"
      {...(src ? {} : { role: 'img', 'aria-label': `No photo of ${provider.displayName} yet` })}
    >
      {initialsOf(provider.displayName)}
    </Avatar>
  );
}
