// Peak RSS of this process, without importing tfjs (the ORT worker must not load it).

export function peakRssMb(): number {
  // maxRSS is in KiB on Linux (getrusage ru_maxrss), as torch's ru_maxrss.
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}
