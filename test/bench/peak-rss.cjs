// Preloaded (--require) into each process the CLI rows start: appends the process's peak resident memory (KB) and CPU time (µs) to PEAK_RSS_FILE.
const { appendFileSync } = require('node:fs');

process.on('exit', () => {
  if (process.env.PEAK_RSS_FILE) {
    const u = process.resourceUsage();
    appendFileSync(process.env.PEAK_RSS_FILE, `${u.maxRSS} ${u.userCPUTime + u.systemCPUTime}\n`);
  }
});
