import type { NetworkInterfaceInfo } from 'node:os';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { networkSignature, watchNetwork, type InterfaceTable } from '../../../../electron/desktop/power-network-watch';

function ipv4(address: string, internal = false): NetworkInterfaceInfo {
  return { address, netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal, cidr: `${address}/24` };
}
function ipv6(address: string): NetworkInterfaceInfo {
  return {
    address,
    netmask: 'ffff:ffff:ffff:ffff::',
    family: 'IPv6',
    mac: '00:00:00:00:00:00',
    internal: false,
    cidr: `${address}/64`,
    scopeid: 0,
  };
}

describe('network signature', () => {
  it('given loopback and link-local addresses, then they are left out; the order of interfaces does not matter', () => {
    const a: InterfaceTable = { lo: [ipv4('127.0.0.1', true)], wlan0: [ipv4('192.168.1.20'), ipv6('fe80::1')], eth0: [ipv4('10.0.0.5')] };
    const b: InterfaceTable = { eth0: [ipv4('10.0.0.5')], wlan0: [ipv4('192.168.1.20')] };
    expect(networkSignature(true, a)).toBe('online eth0=10.0.0.5 wlan0=192.168.1.20');
    expect(networkSignature(true, b)).toBe(networkSignature(true, a));
    expect(networkSignature(false, b)).not.toBe(networkSignature(true, b));
  });
});

describe('network watch', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setUp() {
    const state = { online: true, interfaces: { wlan0: [ipv4('192.168.1.20')] } as InterfaceTable };
    const onChange = vi.fn();
    const stop = watchNetwork({ isOnline: () => state.online, interfaces: () => state.interfaces, onChange, intervalMs: 1_000 });
    return { state, onChange, stop };
  }

  it('given nothing changes, then nothing is reported', () => {
    const { onChange, stop } = setUp();
    vi.advanceTimersByTime(10_000);
    expect(onChange).not.toHaveBeenCalled();
    stop();
  });

  it('given a move from Wi-Fi to Ethernet while online, then one change is reported at the next poll', () => {
    const { state, onChange, stop } = setUp();
    state.interfaces = { eth0: [ipv4('10.0.0.5')] };
    vi.advanceTimersByTime(1_000);
    vi.advanceTimersByTime(5_000);
    expect(onChange).toHaveBeenCalledTimes(1);
    stop();
  });

  it('given the network goes away and comes back, then only coming back is reported', () => {
    const { state, onChange, stop } = setUp();
    state.online = false;
    state.interfaces = {};
    vi.advanceTimersByTime(1_000);
    expect(onChange).not.toHaveBeenCalled();
    state.online = true;
    state.interfaces = { wlan0: [ipv4('192.168.1.20')] };
    vi.advanceTimersByTime(1_000);
    expect(onChange).toHaveBeenCalledTimes(1);
    stop();
  });

  it('given it is stopped, then later changes are not reported', () => {
    const { state, onChange, stop } = setUp();
    stop();
    state.interfaces = { eth0: [ipv4('10.0.0.5')] };
    vi.advanceTimersByTime(5_000);
    expect(onChange).not.toHaveBeenCalled();
  });
});
