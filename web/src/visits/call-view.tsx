import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { LiveRegion } from '../shell/live-region';
import { mediaRefused, openCameraAndMicrophone, stopTracks } from './local-media';
import { VisitChat } from './visit-chat';
import type { VisitView } from './visit-queries';
import { VisitCall, type CallStatus } from './visit-call';
import classes from './visits.module.css';

const statusLabel: Record<CallStatus, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  ended: 'The visit has ended',
};

/**
 * The visit's call (patient and provider alike): their own camera, the other person's video,
 * microphone / camera / screen controls, the connection's status and the chat. Unmounting
 * (or `ended`) closes the peer connection and stops the camera and microphone.
 */
export function CallView({
  clinicId,
  visitId,
  viewerId,
  peer,
  polite,
  ended,
}: VisitView & {
  peer: { id: string; displayName: string };
  /** The patient: an offer colliding with theirs wins (perfect negotiation). */
  polite: boolean;
  ended: boolean;
}) {
  const [status, setStatus] = useState<CallStatus>('connecting');
  const [problem, setProblem] = useState('');
  const [localStream, setLocalStream] = useState<MediaStream>();
  const [remoteStream, setRemoteStream] = useState<MediaStream>();
  const [micOn, setMicOn] = useState(true);
  const [cameraOn, setCameraOn] = useState(true);
  const [sharing, setSharing] = useState<MediaStreamTrack>();
  const [blockedPlayback, setBlockedPlayback] = useState(false);
  const call = useRef<VisitCall | undefined>(undefined);
  const localVideo = useRef<HTMLVideoElement>(null);
  const remoteVideo = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    if (ended) return;
    let cancelled = false;
    let stream: MediaStream | undefined;
    let current: VisitCall | undefined;
    void (async () => {
      stream = await openCameraAndMicrophone(() => cancelled);
      if (!stream) {
        if (!cancelled) setProblem(mediaRefused);
        return;
      }
      setLocalStream(stream);
      current = new VisitCall({
        clinicId,
        visitId,
        peerId: peer.id,
        polite,
        localStream: stream,
        onRemoteStream: setRemoteStream,
        onStatus: setStatus,
      });
      call.current = current;
      try {
        await current.start();
      } catch {
        if (!cancelled) setProblem('The call could not be started. Reload the page to try again.');
      }
    })();
    return () => {
      cancelled = true;
      current?.close();
      call.current = undefined;
      stopTracks(stream);
      setLocalStream(undefined);
    };
  }, [clinicId, visitId, peer.id, polite, ended]);

  // A shared screen ends with the call.
  useEffect(() => () => sharing?.stop(), [sharing]);

  useEffect(() => {
    if (localVideo.current) localVideo.current.srcObject = localStream ?? null;
  }, [localStream]);
  useEffect(() => {
    const video = remoteVideo.current;
    if (!video) return;
    video.srcObject = remoteStream ?? null;
    if (remoteStream) {
      // Browsers may refuse to play sound before the person has used the page.
      video.play().then(
        () => setBlockedPlayback(false),
        () => setBlockedPlayback(true),
      );
    }
  }, [remoteStream]);

  const toggle = (kind: 'audio' | 'video', on: boolean) => {
    const tracks = kind === 'audio' ? localStream?.getAudioTracks() : localStream?.getVideoTracks();
    for (const track of tracks ?? []) track.enabled = on;
    if (kind === 'audio') setMicOn(on);
    else setCameraOn(on);
  };

  const shareScreen = async () => {
    if (sharing) {
      sharing.stop();
      setSharing(undefined);
      await call.current?.replaceVideo(undefined);
      return;
    }
    try {
      const screen = await navigator.mediaDevices.getDisplayMedia({ video: true });
      const track = screen.getVideoTracks()[0];
      if (!track) return;
      // The browser's own "Stop sharing" button ends the track: back to the camera.
      track.addEventListener('ended', () => {
        setSharing(undefined);
        void call.current?.replaceVideo(undefined);
      });
      setSharing(track);
      await call.current?.replaceVideo(track);
    } catch {
      // The person closed the picker: nothing to share.
    }
  };

  if (ended) {
    return (
      <LiveRegion>
        <Alert color="blue" role="none" title="The visit has ended">
          The call with {peer.displayName} is over.
        </Alert>
      </LiveRegion>
    );
  }

  return (
    <Stack gap="md">
      <LiveRegion>
        <Text fw={600} data-testid="call-status">
          {problem || statusLabel[status]}
        </Text>
      </LiveRegion>
      <div className={classes.videos}>
        <video
          ref={remoteVideo}
          className={classes.video}
          autoPlay
          playsInline
          aria-label={`Video of ${peer.displayName}`}
          data-testid="remote-video"
        />
        <video
          ref={localVideo}
          className={`${classes.video} ${classes.self}`}
          autoPlay
          playsInline
          muted
          aria-label="Your own video"
          data-testid="local-video"
        />
      </div>
      {blockedPlayback && (
        <Button
          variant="default"
          style={{ alignSelf: 'flex-start' }}
          onClick={() =>
            void remoteVideo.current?.play().then(
              () => setBlockedPlayback(false),
              () => undefined,
            )
          }
        >
          Play {peer.displayName}&apos;s video and sound
        </Button>
      )}
      {/* Toggle buttons keep their name; aria-pressed (and the fill) says whether it is on. */}
      <Group gap="sm" role="group" aria-label="Call controls">
        <Button
          variant={micOn ? 'default' : 'filled'}
          aria-pressed={!micOn}
          onClick={() => toggle('audio', !micOn)}
        >
          Mute microphone
        </Button>
        <Button
          variant={cameraOn ? 'default' : 'filled'}
          aria-pressed={!cameraOn}
          onClick={() => toggle('video', !cameraOn)}
        >
          Turn camera off
        </Button>
        {typeof navigator.mediaDevices?.getDisplayMedia === 'function' && (
          <Button
            variant={sharing ? 'filled' : 'default'}
            aria-pressed={!!sharing}
            onClick={() => void shareScreen()}
          >
            Share screen
          </Button>
        )}
      </Group>
      <VisitChat clinicId={clinicId} visitId={visitId} viewerId={viewerId} />
    </Stack>
  );
}
