/** The fuzz targets by name (see each module's header for what it drives and how it judges). */
import { clientNotifyTarget } from './client-notify';
import { compositorTarget } from './compositor';
import { pidfTarget } from './pidf';
import type { FuzzTarget, TargetName } from './target';

export { TARGET_NAMES, type Failure, type FailureKind, type FuzzTarget, type TargetName } from './target';

/** A fresh, not yet started target. */
export function createTarget(name: TargetName): FuzzTarget {
  switch (name) {
    case 'pidf':
      return pidfTarget();
    case 'compositor-udp':
      return compositorTarget('udp');
    case 'compositor-tcp':
      return compositorTarget('tcp');
    case 'compositor-ws':
      return compositorTarget('ws');
    case 'client-notify':
      return clientNotifyTarget();
  }
}
