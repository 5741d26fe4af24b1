#!/usr/bin/python3
"""A Victron device with a DC current at the battery, for tests: a solar charger, an inverter/charger,
a DC load... published with velib_python's VeDbusService as Victron's drivers publish it, with a
writable /Dc/0/Current so that a test can change what it measures. With --min-soc it is an ESS
stand-in (com.victronenergy.hub4) and registers the ESS minimum SOC setting
(/Settings/CGwacs/BatteryLife/MinimumSocLimit) in com.victronenergy.settings with that value.

    /usr/bin/python3 dc_device.py --service com.victronenergy.solarcharger.ttyS2 --instance 278
                                  [--current 12.5] [--voltage 52.0] [--min-soc 30] [--velib DIR]

Exits 0 on SIGTERM or SIGINT.
"""

import argparse
import logging
import signal
import sys

from velib_path import add_velib


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--service', required=True)
    parser.add_argument('--instance', type=int, required=True)
    parser.add_argument('--current', type=float, default=None, help='A; omitted: invalid')
    parser.add_argument('--voltage', type=float, default=52.0)
    parser.add_argument('--min-soc', type=float, default=None, help='register the ESS minimum SOC (%%)')
    parser.add_argument('--velib', help='velib_python folder (default: ../shared/venus/velib_python)')
    args = parser.parse_args()
    add_velib(args.velib)

    import dbus
    from dbus.mainloop.glib import DBusGMainLoop
    from gi.repository import GLib
    from vedbus import VeDbusService

    logging.basicConfig(level=logging.INFO, format='%(asctime)s %(message)s')
    DBusGMainLoop(set_as_default=True)

    settings = None
    if args.min_soc is not None:
        from settingsdevice import SettingsDevice
        settings = SettingsDevice(dbus.SystemBus(), {
            'minsoc': ['/Settings/CGwacs/BatteryLife/MinimumSocLimit', args.min_soc, 0, 100]}, None)

    s = VeDbusService(args.service, register=False)
    s.add_mandatory_paths(processname=__file__, processversion='1.0', connection='test stand-in',
                          deviceinstance=args.instance, productid=None, productname='DC device (test stand-in)',
                          firmwareversion=None, hardwareversion=None, connected=1)
    s.add_path('/Dc/0/Voltage', args.voltage)
    s.add_path('/Dc/0/Current', args.current, writeable=True)
    s.register()

    loop = GLib.MainLoop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, sig, loop.quit)
    print('%s (instance %d) on the bus' % (args.service, args.instance), flush=True)
    loop.run()
    del settings
    return 0


if __name__ == '__main__':
    sys.exit(main())
