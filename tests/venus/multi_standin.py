#!/usr/bin/python3
"""A VE.Bus inverter/charger (Multi) stand-in for tests: the paths Victron's dbus-systemcalc-py
reads from a com.victronenergy.vebus service and writes into, published with velib_python's
VeDbusService as mk2-dbus publishes a Multi with a BOL frame.

    /usr/bin/python3 multi_standin.py [--service com.victronenergy.vebus.ttyS3] [--instance 276]
                                      [--velib DIR]

What systemcalc needs from it (delegates/multi.py, delegates/dvcc.py, dbus_systemcalc.py at the
snapshot in ../shared/venus) and why. Strictly needed for the BOL writes are only /DeviceInstance
and the writable /BatteryOperationalLimits/* (checked by hand with a service of just those); the
rest is what systemcalc reads from a real Multi and what makes it count as the connected one:
- /DeviceInstance: the DbusMonitor scan ignores a service without it.
- /Connected = 1: multi.py's connected Multi (/VebusService, /Dc/0/MaxChargeCurrent writes,
  /Dc/Vebus/*). dvcc.py writes the BOL limits to multi.py's vebus_service, which need not be
  connected: without /Connected they are still written.
- /Interfaces/Mk2/Connection not starting with /dev/ttyUSB: on a GX with an onboard MK3
  (ve_utils.get_product_id() not C009/C00D/C010/C003) only an "onboard" Multi is selected. On a PC
  the product id is C003 (generic) and the lowest instance wins; this value works on both.
- writable /BatteryOperationalLimits/MaxChargeVoltage|MaxChargeCurrent|MaxDischargeCurrent|
  BatteryLowVoltage: where dvcc.py writes the controlling BMS's CVL/CCL/DCL (set_value_async; a
  missing path only logs a D-Bus error). Invalid until systemcalc writes them.
- writable /Dc/0/MaxChargeCurrent: dvcc.py raises it to at least the CCL it writes (and writes it
  alone when there is no BMS); multi.py skips it while it is invalid.
- /FirmwareVersion >= VEBUS_FIRMWARE_REQUIRED (0x422), else /Dvcc/Alarms/FirmwareInsufficient = 1.
- /FirmwareFeatures/BolFrame = 1: only sets systemcalc's /Control/MaxChargeCurrent in this
  snapshot (the BOL writes are not gated by it); a real Multi without it has no BOL frame.
- /State, /ProductName, /Mgmt/Connection: read for the service list and the GUI; /State changes
  make systemcalc re-evaluate its services.
- /Dc/0/Current, /Dc/0/Voltage: the Multi's DC current (low-pass filtered, subtracted from the
  solar chargers' share); with no solar chargers it does not change the BOL values.
- /Ac/ActiveIn/Connected, /Hub/ChargeVoltage: used for feed-in (ESS) and solar charge voltage;
  /Hub/ChargeVoltage stays invalid (no ESS or hub assistant), else it takes part in the solar
  charge voltage.
- /Soc (writable): vebussocwriter.py writes the battery SOC into it only when /Hub2 or
  /Devices/0/Assistants is published; neither is here, so it stays invalid.
Deliberately absent: /Bms/BmsType (2 = VE.Bus BMS would replace the CCL with 0 or 10000),
/Hub4/AssistantId (5 = ESS), /ExtraBatteryCurrent (makes the Multi a battery monitor candidate).

Writes from systemcalc are stored as sent (no type coercion) and logged on stdout.
Exits 0 on SIGTERM or SIGINT.
"""

import argparse
import logging
import signal
import sys
import time

from velib_path import add_velib


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--service', default='com.victronenergy.vebus.ttyS3')
    parser.add_argument('--instance', type=int, default=276)
    parser.add_argument('--velib', help='velib_python folder (default: ../shared/venus/velib_python)')
    args = parser.parse_args()
    add_velib(args.velib)

    from dbus.mainloop.glib import DBusGMainLoop
    from gi.repository import GLib
    from vedbus import VeDbusService

    logging.basicConfig(level=logging.INFO, format='%(asctime)s %(message)s')
    DBusGMainLoop(set_as_default=True)

    def log_write(path, value):
        print('%.3f %s <- %r' % (time.monotonic(), path, value), flush=True)
        return True

    s = VeDbusService(args.service, register=False)
    s.add_mandatory_paths(processname=__file__, processversion='1.0', connection='VE.Bus',
                          deviceinstance=args.instance, productid=None,
                          productname='MultiPlus-II (test stand-in)',
                          firmwareversion=0x556, hardwareversion=None, connected=1)
    s.add_path('/CustomName', '', writeable=True)
    s.add_path('/Serial', 'HQ0000STAND')
    s.add_path('/Interfaces/Mk2/Connection', '/dev/ttyS3')
    s.add_path('/Interfaces/Mk2/ProductName', 'MK3')
    s.add_path('/FirmwareFeatures/BolFrame', 1)
    s.add_path('/FirmwareFeatures/BolUBatAndTBatSense', 1)
    s.add_path('/Mode', 3, writeable=True)   # on
    s.add_path('/State', 3)                  # bulk
    s.add_path('/Dc/0/Voltage', 52.0)
    s.add_path('/Dc/0/Current', 0.0)
    s.add_path('/Dc/0/Power', 0.0)
    s.add_path('/Dc/0/MaxChargeCurrent', 70.0, writeable=True, onchangecallback=log_write)
    s.add_path('/Ac/ActiveIn/Connected', 1)
    s.add_path('/Ac/ActiveIn/ActiveInput', 0)
    s.add_path('/Ac/NumberOfAcInputs', 1)
    s.add_path('/Hub/ChargeVoltage', None)
    s.add_path('/Soc', None, writeable=True, onchangecallback=log_write)
    for name in ('MaxChargeVoltage', 'MaxChargeCurrent', 'MaxDischargeCurrent', 'BatteryLowVoltage'):
        s.add_path('/BatteryOperationalLimits/' + name, None, writeable=True, onchangecallback=log_write)
    s.register()  # the name last: a consumer scanning at once sees every path

    loop = GLib.MainLoop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, sig, loop.quit)
    print('%s (instance %d) on the bus' % (args.service, args.instance), flush=True)
    loop.run()
    return 0


if __name__ == '__main__':
    sys.exit(main())
