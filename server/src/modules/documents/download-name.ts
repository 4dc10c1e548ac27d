/** The extensions a stored type is saved under; the first is the one added. */
const extensionsOf: Record<string, readonly string[]> = {
  'application/pdf': ['pdf'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
  'image/heic': ['heic', 'heif'],
};

/** What follows the last dot, when it looks like an extension (`Dr. Chen letter` has none). */
const EXTENSION = /\.([\p{L}\p{N}_-]{1,16})$/u;

/**
 * The name a download is saved under: the uploader's name, ending in the extension of the
 * type detected from the content. The name alone decides how the person's computer opens
 * the file, so a PDF named `lab-result.bat`, `.hta` or `.html` must not be saved that way:
 * another extension is replaced, a missing one added. Lists keep the name as given.
 */
export function downloadFileName(fileName: string, mediaType: string): string {
  const accepted = extensionsOf[mediaType];
  // Stored types are always known; anything else is saved with no way to run it.
  if (!accepted) return `${fileName.replace(EXTENSION, '')}.bin`;
  const current = EXTENSION.exec(fileName)?.[1]?.toLowerCase();
  if (current && accepted.includes(current)) return fileName;
  const stem = current ? fileName.slice(0, -(current.length + 1)) : fileName;
  return `${stem || 'document'}.${accepted[0]}`;
}
