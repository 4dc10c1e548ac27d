import type { IceServers, Signal } from '@openvisit/contracts';

/*
 * The call between this page and ONE other participant: an RTCPeerConnection with the
 * "perfect negotiation" pattern (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example).
 * One side of each pair is polite (an offer that collides with theirs wins); the mesh decides
 * which, the same way on both sides.
 *
 * A peer connection belongs to one remote socket: when signals start coming from another
 * socket (the other side reloaded the page), the old connection is dropped and a fresh one
 * negotiated. A `hello` from the other side does the same, and this side then offers.
 */

export type CallStatus = 'connecting' | 'connected' | 'reconnecting' | 'ended';

/** A signal as the relay delivers it: the sender's id and socket added. */
export interface IncomingSignal {
  visitId?: unknown;
  from?: unknown;
  fromSocket?: unknown;
  description?: RTCSessionDescriptionInit;
  candidate?: RTCIceCandidateInit | null;
  hello?: boolean;
}

export type OutgoingSignal = Omit<Signal, 'visitId' | 'to'>;

export interface PeerLinkOptions {
  polite: boolean;
  localStream: MediaStream;
  /** The ICE servers now, and fresh ones (before an ICE restart with expiring credentials). */
  iceServers: () => IceServers | undefined;
  refreshIceServers: () => Promise<IceServers | undefined>;
  /** The video sent instead of the camera (a shared screen), if any. */
  outgoingVideo: () => MediaStreamTrack | undefined;
  send: (signal: OutgoingSignal) => Promise<unknown>;
  onRemoteStream: (stream: MediaStream | undefined) => void;
  onStatus: (status: CallStatus) => void;
}

/** Ask again for ICE servers when the TURN credentials have less than this left. */
const ICE_REFRESH_MARGIN_MS = 60_000;

export class PeerLink {
  private pc: RTCPeerConnection | undefined;
  private peerSocket: string | undefined;
  private makingOffer = false;
  private ignoreOffer = false;
  private everConnected = false;
  private closed = false;
  private videoSender: RTCRtpSender | undefined;

  constructor(private readonly options: PeerLinkOptions) {}

  /** Handles one signal from this peer (the mesh hands them over one at a time, in order). */
  async receive(signal: IncomingSignal) {
    if (this.closed || typeof signal.fromSocket !== 'string') return;
    const fromSocket = signal.fromSocket;
    if (signal.hello) {
      // The other side (re)joined: a fresh connection to them, which offers by itself.
      if (fromSocket !== this.peerSocket || this.pc?.connectionState !== 'connected') {
        this.connectTo(fromSocket);
      }
      return;
    }
    if (!this.pc || fromSocket !== this.peerSocket) this.connectTo(fromSocket);
    const pc = this.pc!;
    if (signal.description) {
      const description = signal.description;
      const collision =
        description.type === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
      this.ignoreOffer = !this.options.polite && collision;
      if (this.ignoreOffer) return;
      await pc.setRemoteDescription(description);
      if (description.type === 'offer') {
        await pc.setLocalDescription();
        await this.sendDescription(pc);
      }
    } else if (signal.candidate) {
      try {
        await pc.addIceCandidate(signal.candidate);
      } catch (error) {
        // Candidates of an offer this side ignored fail to apply: expected.
        if (!this.ignoreOffer) throw error;
      }
    }
  }

  /** Sends the camera, or another video track (a shared screen) in its place. */
  async replaceVideo(track: MediaStreamTrack | undefined) {
    await this.videoSender?.replaceTrack(track ?? this.cameraTrack() ?? null);
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.pc?.close();
    this.pc = undefined;
    this.options.onRemoteStream(undefined);
    this.options.onStatus('ended');
  }

  private async sendDescription(pc: RTCPeerConnection) {
    const local = pc.localDescription;
    if (!local || pc !== this.pc) return;
    await this.options.send({
      description: { type: local.type as 'offer' | 'answer' | 'rollback', sdp: local.sdp },
    });
  }

  private cameraTrack() {
    return this.options.localStream.getVideoTracks()[0];
  }

  /** A fresh peer connection to `socket`, sending this side's camera and microphone. */
  private connectTo(socket: string) {
    this.pc?.close();
    this.peerSocket = socket;
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.options.onStatus(this.everConnected ? 'reconnecting' : 'connecting');
    const ice = this.options.iceServers();
    const pc = new RTCPeerConnection({
      iceServers: ice?.iceServers ?? [],
      // `relay` when the clinic hides everyone's addresses behind TURN.
      iceTransportPolicy: ice?.iceTransportPolicy ?? 'all',
    });
    this.pc = pc;
    const remote = new MediaStream();
    this.options.onRemoteStream(remote);
    const { localStream } = this.options;
    for (const track of localStream.getAudioTracks()) pc.addTrack(track, localStream);
    const video = this.options.outgoingVideo() ?? this.cameraTrack();
    this.videoSender = video ? pc.addTrack(video, localStream) : undefined;

    pc.ontrack = ({ track }) => {
      remote.addTrack(track);
      this.options.onRemoteStream(remote);
    };
    pc.onicecandidate = ({ candidate }) => {
      // No end-of-candidates marker: the other side needs none to connect.
      if (candidate?.candidate && pc === this.pc) {
        const { sdpMid, sdpMLineIndex, usernameFragment } = candidate;
        void this.options.send({
          candidate: { candidate: candidate.candidate, sdpMid, sdpMLineIndex, usernameFragment },
        });
      }
    };
    pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        await this.sendDescription(pc);
      } catch {
        // A negotiation overtaken by a newer one (or a closed connection): nothing to do.
      } finally {
        this.makingOffer = false;
      }
    };
    pc.oniceconnectionstatechange = () => {
      // A network change broke the path: gather new candidates with fresh credentials.
      if (pc.iceConnectionState === 'failed' && pc === this.pc) void this.restartIce(pc);
    };
    pc.onconnectionstatechange = () => {
      if (pc !== this.pc || this.closed) return;
      if (pc.connectionState === 'connected') {
        this.everConnected = true;
        this.options.onStatus('connected');
      } else if (pc.connectionState === 'disconnected' || pc.connectionState === 'failed') {
        this.options.onStatus('reconnecting');
      }
    };
  }

  private async restartIce(pc: RTCPeerConnection) {
    const current = this.options.iceServers();
    const expiresAt = current?.expiresAt ? Date.parse(current.expiresAt) : undefined;
    if (expiresAt !== undefined && expiresAt - Date.now() < ICE_REFRESH_MARGIN_MS) {
      const fresh = await this.options.refreshIceServers();
      if (fresh && pc === this.pc) {
        pc.setConfiguration({
          iceServers: fresh.iceServers,
          iceTransportPolicy: fresh.iceTransportPolicy,
        });
      }
    }
    if (pc === this.pc) pc.restartIce();
  }
}
