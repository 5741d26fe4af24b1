#!/usr/bin/python3
"""A BMS driver stand-in for tests, published the way community drivers (dbus-serialbattery) do:
velib_python's VeDbusService, one PropertiesChanged per changed path.

    /usr/bin/python3 velib_bms.py --service com.victronenergy.battery.ttyUSB0 --instance 1
        [--set /Soc=60 --set /Info/MaxChargeCurrent=50 ...] [--values '{"/Soc": 60}']
        [--monitor] [--omit /Io ...] [--velib DIR]

--set PATH=VALUE  VALUE is JSON (60, 52.5, "text", null) or else a plain string; empty or null is
                  invalid. A path that is not published yet is added.
--values JSON     the same as a JSON object {"/Soc": 60, "/Info/MaxChargeVoltage": null}.
--monitor         a battery monitor, not a BMS: a SmartShunt 500A/50mV (ProductId 0xA389) with
                  SOC, voltage, current, power, consumed Ah, time-to-go and its alarms; no /Info,
                  /Io, /System, capacity paths, so systemcalc does not treat it as a BMS.
--omit PREFIX     do not publish PREFIX or anything below it (e.g. --omit /Info/MaxChargeVoltage).

Changing values from a test: every path is writable with SetValue (as the `dbus` CLI does), and
each accepted change is published at once as a real driver does (PropertiesChanged on that path).
A value is coerced to its path's type (the CLI sends `SetValue 60` as the string "60"); one that
cannot be coerced is refused (SetValue returns 1).
Making a value invalid: SetValue with an EMPTY ARRAY (the BusItem encoding of invalid, e.g. an
empty `ai`; velib turns any empty array into None). From the `dbus` CLI, which cannot send an
empty array, write the path's name to /Test/Invalidate instead:
    dbus -y com.victronenergy.battery.x /Test/Invalidate SetValue /Info/MaxChargeVoltage
Leaving the bus: stop the process (SIGTERM or SIGINT exit 0), as a crashed or restarted driver does.
"""

import argparse
import json
import logging
import signal
import sys

from velib_path import add_velib

ALARMS = ('LowVoltage HighVoltage LowCellVoltage HighCellVoltage LowSoc HighChargeCurrent '
          'HighDischargeCurrent HighCurrent CellImbalance InternalFailure HighChargeTemperature '
          'LowChargeTemperature HighTemperature LowTemperature LowStarterVoltage HighStarterVoltage '
          'MidVoltage BmsCable FuseBlown HighInternalTemperature StateOfHealth Contactor').split()
SMARTSHUNT_ALARMS = ('LowVoltage HighVoltage LowSoc LowStarterVoltage HighStarterVoltage '
                     'LowTemperature HighTemperature MidVoltage').split()


def bms_paths(name):
    """A 16-cell 280 Ah LFP pack as dbus-serialbattery publishes it: (path, value, type)."""
    paths = [
        ('/Mgmt/ProcessName', 'velib_bms.py', str),
        ('/Mgmt/ProcessVersion', '1.0', str),
        ('/Mgmt/Connection', 'Serial ' + name, str),
        ('/ProductId', 0xBA77, int),
        ('/ProductName', 'SerialBattery(test stand-in)', str),
        ('/FirmwareVersion', '1.0', str),
        ('/HardwareVersion', 'stand-in', str),
        ('/Connected', 1, int),
        ('/CustomName', 'Stand-in ' + name, str),
        ('/Serial', 'STANDIN-' + name, str),
        ('/Soc', 80.0, float),
        ('/Dc/0/Voltage', 53.2, float),
        ('/Dc/0/Current', 0.0, float),
        ('/Dc/0/Power', 0.0, float),
        ('/Dc/0/Temperature', 25.0, float),
        ('/InstalledCapacity', 280.0, float),
        ('/Capacity', 224.0, float),
        ('/ConsumedAmphours', -56.0, float),
        ('/TimeToGo', None, float),
        ('/Info/MaxChargeVoltage', 55.2, float),
        ('/Info/MaxChargeCurrent', 100.0, float),
        ('/Info/MaxDischargeCurrent', 150.0, float),
        ('/Info/BatteryLowVoltage', 48.0, float),
        ('/Io/AllowToCharge', 1, int),
        ('/Io/AllowToDischarge', 1, int),
        ('/Io/AllowToBalance', 1, int),
        ('/System/MinCellVoltage', 3.320, float),
        ('/System/MaxCellVoltage', 3.330, float),
        ('/System/NrOfCellsPerBattery', 16, int),
    ]
    return paths + [('/Alarms/' + a, 0, int) for a in ALARMS]


def monitor_paths(name):
    """A SmartShunt 500A/50mV on VE.Direct (vedirect-interface): no limits, not a BMS."""
    paths = [
        ('/Mgmt/ProcessName', 'velib_bms.py', str),
        ('/Mgmt/ProcessVersion', '1.0', str),
        ('/Mgmt/Connection', 'VE.Direct port ' + name, str),
        ('/ProductId', 0xA389, int),
        ('/ProductName', 'SmartShunt 500A/50mV', str),
        ('/FirmwareVersion', 0x0416, int),
        ('/HardwareVersion', None, int),
        ('/Connected', 1, int),
        ('/CustomName', '', str),
        ('/Serial', 'HQ0000SHUNT', str),
        ('/Soc', 80.0, float),
        ('/Dc/0/Voltage', 53.2, float),
        ('/Dc/0/Current', 0.0, float),
        ('/Dc/0/Power', 0.0, float),
        ('/ConsumedAmphours', -56.0, float),
        ('/TimeToGo', None, float),
    ]
    return paths + [('/Alarms/' + a, 0, int) for a in SMARTSHUNT_ALARMS]


def parse_value(text):
    if text == '':
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def coerce(value, kind):
    return value if value is None or kind is None else kind(value)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--service', required=True, help='com.victronenergy.battery.<name>')
    parser.add_argument('--instance', type=int, required=True, help='/DeviceInstance')
    parser.add_argument('--set', action='append', default=[], metavar='PATH=VALUE')
    parser.add_argument('--values', default='{}', metavar='JSON')
    parser.add_argument('--monitor', action='store_true', help='a SmartShunt: no limits')
    parser.add_argument('--omit', action='append', default=[], metavar='PREFIX')
    parser.add_argument('--velib', help='velib_python folder (default: ../shared/venus/velib_python)')
    args = parser.parse_args()
    add_velib(args.velib)

    from dbus.mainloop.glib import DBusGMainLoop
    from gi.repository import GLib
    from vedbus import VeDbusService

    logging.basicConfig(level=logging.INFO, format='%(asctime)s %(message)s')
    DBusGMainLoop(set_as_default=True)

    name = args.service.split('.', 3)[-1]
    table = monitor_paths(name) if args.monitor else bms_paths(name)
    paths = {p: [v, t] for p, v, t in [('/DeviceInstance', args.instance, int)] + table}
    overrides = dict(json.loads(args.values))
    for s in args.set:
        path, sep, text = s.partition('=')
        if not sep or not path.startswith('/'):
            parser.error('--set takes PATH=VALUE, not %r' % s)
        overrides[path] = parse_value(text)
    for path, value in overrides.items():
        if path in paths:
            paths[path][0] = coerce(value, paths[path][1])
        else:
            paths[path] = [value, None if value is None else type(value)]
    for prefix in args.omit:
        for p in [p for p in paths if p == prefix or p.startswith(prefix.rstrip('/') + '/')]:
            del paths[p]

    service = VeDbusService(args.service, register=False)
    for path, (value, kind) in paths.items():
        service.add_path(path, value, writeable=True, valuetype=kind)

    def invalidate(_, target):
        if target not in service or target == '/Test/Invalidate':
            return False  # SetValue returns 2
        service[target] = None
        # Accepted (SetValue returns 0); emptied again so that the same path can be sent twice.
        GLib.idle_add(lambda: service.__setitem__('/Test/Invalidate', '') and False)
        return True
    service.add_path('/Test/Invalidate', '', writeable=True, onchangecallback=invalidate, valuetype=str)
    service.register()  # the name last: a consumer scanning at once sees every path

    loop = GLib.MainLoop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, sig, loop.quit)
    print('%s (instance %d) on the bus with %d paths' % (args.service, args.instance, len(paths)), flush=True)
    loop.run()
    return 0


if __name__ == '__main__':
    sys.exit(main())
