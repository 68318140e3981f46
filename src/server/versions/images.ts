// API-version differences for image responses: the only place that checks versions for them
// (moby's image routers, see docs/api.md §versions).

import type { ImageInspectWire, ImageSummaryWire } from '../../api/types/image.js';
import { apiVersionBefore } from '../../api/version.js';

export function adaptImageSummary(version: string, s: ImageSummaryWire): ImageSummaryWire {
  const out = { ...s };
  if (apiVersionBefore(version, '1.44')) out.VirtualSize = s.Size;
  // Only an image with neither tags nor digests gets the placeholders, both at once (moby).
  if (apiVersionBefore(version, '1.43') && out.RepoTags.length === 0 && out.RepoDigests.length === 0) {
    out.RepoTags = ['<none>:<none>'];
    out.RepoDigests = ['<none>@<none>'];
  }
  return out;
}

export function adaptImageInspect(version: string, i: ImageInspectWire): ImageInspectWire {
  const out = { ...i };
  if (apiVersionBefore(version, '1.44')) out.VirtualSize = i.Size;
  return out;
}
