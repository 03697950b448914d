import { BarcodeDetector, setZXingModuleOverrides } from 'barcode-detector/ponyfill';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

// The decoder's WebAssembly ships with the console, so scanning works without reaching any CDN.
setZXingModuleOverrides({
  locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path),
});

/**
 * Reads QR codes from the device camera until stopped; calls `onText` once per distinct code seen
 * (the same code held in front of the lens is reported again only after 3 seconds).
 */
export async function startCamera(video: HTMLVideoElement, onText: (text: string) => void): Promise<() => void> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  video.srcObject = stream;
  await video.play();
  const detector = new BarcodeDetector({ formats: ['qr_code'] });
  let stopped = false;
  let last = { text: '', at: 0 };
  const tick = async () => {
    if (stopped) return;
    try {
      const [found] = await detector.detect(video);
      const now = Date.now();
      if (found && (found.rawValue !== last.text || now - last.at > 3000)) {
        last = { text: found.rawValue, at: now };
        onText(found.rawValue);
      }
    } catch {
      // A frame that cannot be read is skipped; the next one is tried.
    }
    setTimeout(tick, 250);
  };
  void tick();
  return () => {
    stopped = true;
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
}
