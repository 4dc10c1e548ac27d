import { useEffect, useRef, useState } from 'react';
import { Alert, Stack, Text, Title } from '@mantine/core';
import { useRealtimeStatus } from '../shell/realtime';
import { mediaRefused, openCameraAndMicrophone, stopTracks } from './local-media';
import classes from './visits.module.css';

/**
 * Before the call: the person's own camera, how loud their microphone is, and whether the
 * page's live connection to the clinic works (it carries "you are admitted").
 */
export function DeviceCheck() {
  const video = useRef<HTMLVideoElement>(null);
  const [level, setLevel] = useState(0);
  const [problem, setProblem] = useState('');
  const [ready, setReady] = useState(false);
  const connection = useRealtimeStatus();

  useEffect(() => {
    let cancelled = false;
    let stream: MediaStream | undefined;
    let audio: AudioContext | undefined;
    let timer: ReturnType<typeof setInterval> | undefined;
    const resume = () => void audio?.resume();
    void (async () => {
      stream = await openCameraAndMicrophone(() => cancelled);
      if (!stream) {
        if (!cancelled) setProblem(mediaRefused);
        return;
      }
      if (video.current) video.current.srcObject = stream;
      setReady(true);
      audio = new AudioContext();
      const analyser = audio.createAnalyser();
      analyser.fftSize = 512;
      audio.createMediaStreamSource(stream).connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      timer = setInterval(() => {
        analyser.getFloatTimeDomainData(samples);
        let sum = 0;
        for (const sample of samples) sum += sample * sample;
        // RMS, scaled so ordinary speech fills most of the meter.
        setLevel(Math.min(1, Math.sqrt(sum / samples.length) * 4));
      }, 100);
      // An audio context may start suspended until the person uses the page.
      window.addEventListener('pointerdown', resume);
    })();
    return () => {
      cancelled = true;
      clearInterval(timer);
      window.removeEventListener('pointerdown', resume);
      void audio?.close();
      stopTracks(stream);
    };
  }, []);

  return (
    <Stack gap="sm" component="section" aria-labelledby="device-check-heading">
      <Title order={2} size="h3" id="device-check-heading">
        Check your camera and microphone
      </Title>
      {problem && <Alert color="red">{problem}</Alert>}
      <video
        ref={video}
        className={`${classes.video} ${classes.self}`}
        style={{ maxWidth: '24rem' }}
        autoPlay
        playsInline
        muted
        aria-label="Your camera preview"
        data-testid="camera-preview"
      />
      {ready && <Text>If you can see yourself, your camera works.</Text>}
      <label htmlFor="mic-level">
        <Text component="span">Microphone level (speak to see it move)</Text>
      </label>
      <meter id="mic-level" className={classes.meter} min={0} max={1} low={0.05} value={level} />
      <Text data-testid="clinic-connection">
        {connection === 'live'
          ? 'Your connection to the clinic is live.'
          : connection === 'paused'
            ? 'The connection to the clinic was lost. Check your internet connection.'
            : 'Connecting to the clinic…'}
      </Text>
    </Stack>
  );
}
