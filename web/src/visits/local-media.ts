/** What to tell a person whose camera or microphone could not be opened. */
export const mediaRefused =
  'Your camera and microphone could not be started. Allow them for this site in your browser (the camera icon in the address bar), then reload the page.';

/** Stops every track: the camera light goes off. */
export const stopTracks = (stream: MediaStream | undefined) => {
  for (const track of stream?.getTracks() ?? []) track.stop();
};

/**
 * Opens the camera and microphone for a component's effect: undefined when refused, or when
 * the effect was cleaned up meanwhile (`isCancelled`; the stream is stopped at once then).
 */
export async function openCameraAndMicrophone(
  isCancelled: () => boolean,
): Promise<MediaStream | undefined> {
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  } catch {
    return undefined;
  }
  if (!isCancelled()) return stream;
  stopTracks(stream);
  return undefined;
}
