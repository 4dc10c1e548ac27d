import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import type { IceServers } from '@openvisit/contracts';
import { LiveRegion } from '../shell/live-region';
import { mediaRefused, openCameraAndMicrophone, stopTracks } from './local-media';
import { VisitChat } from './visit-chat';
import type { VisitView } from './visit-queries';
import { VisitCall, type CallStatus, type RemoteParticipant } from './visit-call';
import classes from './visits.module.css';

const statusLabel: Record<CallStatus, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  ended: 'The visit has ended',
};

/** Someone else in the call, as this page names them. */
export interface CallPeer {
  id: string;
  name: string;
}

/** One status for the whole call: connected once everyone is. */
function overallStatus(peers: CallPeer[], remotes: ReadonlyMap<string, RemoteParticipant>) {
  const statuses = peers.map((peer) => remotes.get(peer.id)?.status ?? 'connecting');
  if (statuses.some((s) => s === 'reconnecting')) return statusLabel.reconnecting;
  if (statuses.length > 0 && statuses.every((s) => s === 'connected')) return statusLabel.connected;
  return statusLabel.connecting;
}

/**
 * The visit's call (patient, provider and guests alike): their own camera, a tile for each
 * other participant (up to three), microphone / camera / screen controls, the connection's
 * status and, for the patient and the provider, the chat. Unmounting (or `ended`) closes
 * the peer connections and stops the camera and microphone.
 */
export function CallView({
  visitId,
  selfId,
  peers,
  fetchIceServers,
  ended,
  endedMessage,
  chat,
}: {
  visitId: string;
  /** This page's participant id: a user id, or a guest id. */
  selfId: string;
  /** The other participants, in the order their tiles are shown. */
  peers: CallPeer[];
  fetchIceServers: () => Promise<IceServers>;
  ended: boolean;
  endedMessage: string;
  /** The visit's chat beside the call (the patient and the provider; guests are not in it). */
  chat?: VisitView;
}) {
  const [problem, setProblem] = useState('');
  const [localStream, setLocalStream] = useState<MediaStream>();
  const [remotes, setRemotes] = useState<ReadonlyMap<string, RemoteParticipant>>(new Map());
  const [micOn, setMicOn] = useState(true);
  const [cameraOn, setCameraOn] = useState(true);
  const [sharing, setSharing] = useState<MediaStreamTrack>();
  const call = useRef<VisitCall | undefined>(undefined);
  const localVideo = useRef<HTMLVideoElement>(null);
  // Read when the call starts; later changes reach it through setParticipants.
  const latestPeers = useRef(peers);
  const latestIce = useRef(fetchIceServers);
  useEffect(() => {
    latestPeers.current = peers;
    latestIce.current = fetchIceServers;
  });
  const peerIds = peers.map((peer) => peer.id).join(',');

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
      const created = new VisitCall({
        visitId,
        selfId,
        localStream: stream,
        fetchIceServers: () => latestIce.current(),
        onChange: () => setRemotes(new Map(created.remotes())),
      });
      current = created;
      call.current = created;
      created.setParticipants(latestPeers.current.map((peer) => peer.id));
      try {
        await created.start();
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
      setRemotes(new Map());
    };
  }, [visitId, selfId, ended]);

  // Someone joined or left: the mesh greets or hangs up on them.
  useEffect(() => {
    call.current?.setParticipants(peerIds ? peerIds.split(',') : []);
  }, [peerIds]);

  // A shared screen ends with the call.
  useEffect(() => () => sharing?.stop(), [sharing]);

  useEffect(() => {
    if (localVideo.current) localVideo.current.srcObject = localStream ?? null;
  }, [localStream]);

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
          {endedMessage}
        </Alert>
      </LiveRegion>
    );
  }

  return (
    <Stack gap="md">
      <LiveRegion>
        <Text fw={600} data-testid="call-status">
          {problem || overallStatus(peers, remotes)}
        </Text>
      </LiveRegion>
      <div className={classes.videos}>
        {peers.map((peer) => (
          <RemoteTile key={peer.id} peer={peer} remote={remotes.get(peer.id)} />
        ))}
        <figure className={classes.tile}>
          <video
            ref={localVideo}
            className={`${classes.video} ${classes.self}`}
            autoPlay
            playsInline
            muted
            aria-label="Your own video"
            data-testid="local-video"
          />
          <figcaption className={classes.caption}>You</figcaption>
        </figure>
      </div>
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
      {chat && <VisitChat {...chat} />}
    </Stack>
  );
}

/** One other participant's video and sound, named, with their connection's status. */
function RemoteTile({ peer, remote }: { peer: CallPeer; remote: RemoteParticipant | undefined }) {
  const video = useRef<HTMLVideoElement>(null);
  const [blockedPlayback, setBlockedPlayback] = useState(false);
  const stream = remote?.stream;
  useEffect(() => {
    const element = video.current;
    if (!element) return;
    element.srcObject = stream ?? null;
    if (stream) {
      // Browsers may refuse to play sound before the person has used the page.
      element.play().then(
        () => setBlockedPlayback(false),
        () => setBlockedPlayback(true),
      );
    }
  }, [stream]);
  return (
    <figure className={classes.tile}>
      <video
        ref={video}
        className={classes.video}
        autoPlay
        playsInline
        aria-label={`Video of ${peer.name}`}
        data-testid="remote-video"
      />
      <figcaption className={classes.caption}>
        {peer.name}: {statusLabel[remote?.status ?? 'connecting']}
      </figcaption>
      {blockedPlayback && (
        <Button
          variant="default"
          size="xs"
          onClick={() =>
            void video.current?.play().then(
              () => setBlockedPlayback(false),
              () => undefined,
            )
          }
        >
          Play {peer.name}&apos;s video and sound
        </Button>
      )}
    </figure>
  );
}
