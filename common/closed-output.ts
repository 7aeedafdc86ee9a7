/**
 * `bluegreen serve | head`, or a log collector that goes away: a closed stdout/stderr must not crash an
 * app that is serving traffic or a load run that is counting it. Node ignores SIGPIPE, so the write
 * fails with EPIPE instead, as an 'error' event nobody listens to. Once the reader is gone the output
 * is discarded and the process goes on; any other stream error still surfaces.
 */
export function survivePipeClosure(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
