// The pack-health policy on its own: every transition of a pack's health and of how it counts,
// with time stepped by hand (no bus, no clock).

#include "packs/pack_health.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>

namespace bagg {
namespace {

using namespace std::chrono_literals;

// The battery services as the bus edge would observe them.
class Bank {
public:
    Bank()
    {
        config.reconnectGrace = 30s;
        memory.started = 0s;
    }

    // A pack that has been read: SOC, voltage and a CCL (so it is a pack, not a monitor).
    PackValues& add(const std::string& suffix, double soc = 80, const std::string& serial = "")
    {
        const std::string service = "com.victronenergy.battery." + suffix;
        auto& s = *(states[service] = std::make_unique<PackValues>(service));
        set(s, "/Soc", soc);
        set(s, "/Dc/0/Voltage", 52.0);
        set(s, "/Info/MaxChargeCurrent", 50.0);
        set(s, "/CustomName", suffix);
        if (!serial.empty()) set(s, "/Serial", serial);
        observed[service] = PackObservation{&s, true, true};
        return s;
    }
    static void set(PackValues& s, const std::string& path, Value v) { s.apply(path, Decoded{std::move(v), true}, {}); }
    void leave(const std::string& suffix) { observed.erase("com.victronenergy.battery." + suffix); }
    PackObservation& obs(const std::string& suffix) { return observed.at("com.victronenergy.battery." + suffix); }

    HealthAssessment at(std::chrono::seconds now, bool scanDone = true)
    {
        return assessHealth(observed, scanDone, config, memory, now);
    }
    // As BatteryBank::assess: the last assessment refreshed when only values changed, else afresh.
    const HealthAssessment& refreshedAt(std::chrono::seconds now)
    {
        if (refreshValues(observed, config, memory, last))
            ++refreshes;
        else
            last = at(now);
        return last;
    }

    HealthAssessment last;  // refreshedAt()'s
    int refreshes = 0;      // how often refreshedAt() only refreshed

    BatteriesConfig config;
    HealthMemory memory;
    std::map<std::string, std::unique_ptr<PackValues>> states;
    std::map<std::string, PackObservation> observed;
};

const PackVerdict& verdict(const HealthAssessment& a, const std::string& label)
{
    for (const auto& p : a.packs)
        if (p.label == label) return p;
    throw std::runtime_error("no pack " + label);
}

std::optional<PackPresence> presence(const HealthAssessment& a, const std::string& label)
{
    return verdict(a, label).presence;
}

const PackSnapshot* inBank(const HealthAssessment& a, const std::string& label)
{
    for (const auto& s : a.bank)
        if (s.label == label) return &s;
    return nullptr;
}

bool sameVerdict(const PackVerdict& a, const PackVerdict& b)
{
    return a.slot == b.slot && a.service == b.service && a.identity == b.identity && a.label == b.label &&
           a.health == b.health && a.role == b.role && a.roleReason == b.roleReason && a.presence == b.presence;
}

// Fails the test where two assessments of the same bank differ.
void expectSameAssessment(const HealthAssessment& expected, const HealthAssessment& got, const std::string& when)
{
    ASSERT_EQ(expected.bank.size(), got.bank.size()) << when;
    for (std::size_t i = 0; i < expected.bank.size(); ++i)
        EXPECT_TRUE(expected.bank[i] == got.bank[i]) << "entry " << i << " (" << expected.bank[i].label << ") " << when;
    ASSERT_EQ(expected.packs.size(), got.packs.size()) << when;
    for (std::size_t i = 0; i < expected.packs.size(); ++i)
        EXPECT_TRUE(sameVerdict(expected.packs[i], got.packs[i]))
            << "verdict " << i << " (" << expected.packs[i].label << ") " << when;
    EXPECT_EQ(expected.settled, got.settled) << when;
    EXPECT_EQ(expected.readyToPublish, got.readyToPublish) << when;
}

TEST(PackHealth, OnlineGoneHeldMissingAndBack)
{
    Bank bank;
    bank.add("A", 70);
    auto a = bank.at(0s);
    EXPECT_EQ(verdict(a, "A").health, PackHealth::Online);
    EXPECT_EQ(presence(a, "A"), PackPresence::Online);
    ASSERT_TRUE(inBank(a, "A"));

    bank.leave("A");  // its driver restarts
    a = bank.at(1s);
    EXPECT_EQ(verdict(a, "A").health, PackHealth::Gone);
    EXPECT_EQ(presence(a, "A"), PackPresence::Held);
    ASSERT_TRUE(inBank(a, "A"));
    EXPECT_EQ(inBank(a, "A")->get(Quantity::Soc), 70.0) << "its last online values are what is held";
    EXPECT_EQ(presence(bank.at(30s), "A"), PackPresence::Held) << "29 s into a 30 s grace";
    EXPECT_EQ(presence(bank.at(31s), "A"), PackPresence::Missing) << "the grace ran from when it left";

    bank.add("A", 71);  // back, read at once
    a = bank.at(40s);
    EXPECT_EQ(presence(a, "A"), PackPresence::Online);
    bank.leave("A");
    EXPECT_EQ(presence(bank.at(41s), "A"), PackPresence::Held) << "a new grace for a new absence";
}

// A recompute builds the bank and the verdicts in an earlier one's storage, to reuse their
// strings: what stood in it before (more packs, other packs, a monitor) must not show through.
TEST(PackHealth, ABankBuiltInRecycledStorageIsTheBankBuiltAfresh)
{
    Bank fresh, recycling;
    std::vector<PackSnapshot> kept;
    std::vector<PackVerdict> keptVerdicts;
    const auto step = [&](std::chrono::seconds now, const std::function<void(Bank&)>& change) {
        change(fresh);
        change(recycling);
        const auto a = fresh.at(now);
        auto b = assessHealth(recycling.observed, true, recycling.config, recycling.memory, now, std::move(kept),
                              std::move(keptVerdicts));
        expectSameAssessment(a, b, "at " + std::to_string(now.count()) + " s");
        kept = std::move(b.bank);
        keptVerdicts = std::move(b.packs);
    };
    step(0s, [](Bank& b) {
        b.memory.known.push_back({"serial:OLD", "Old"});  // remembered, never back: missing after the grace
        b.add("A", 70, "SA");
        b.add("B", 60);
        b.add("C", 50, "SC");
        Bank::set(*b.states.at("com.victronenergy.battery.C"), "/System/MaxVoltageCellId", std::string("C12"));
    });
    step(1s, [](Bank& b) {
        b.leave("C");  // held: its last online values
        Bank::set(*b.states.at("com.victronenergy.battery.A"), "/Soc", 71.0);
    });
    step(40s, [](Bank&) {});  // C and Old missing
    // B excluded: a shorter bank, Old's entry (nothing known of it) where C's values stood. A shunt
    // (a monitor: no limits) appears after Old was listed: Old's verdict lands in its storage next.
    step(41s, [](Bank& b) {
        b.config.exclude = {"com.victronenergy.battery.B"};
        Bank::set(b.add("M"), "/Info/MaxChargeCurrent", Invalid{});
    });
    step(42s, [](Bank&) {});
    step(43s, [](Bank& b) { forgetMissing(b.memory); });  // C and Old forgotten
    step(44s, [](Bank& b) {
        b.leave("A");
        b.add("D", 40, "SD");  // a new pack where A stood
    });
    step(45s, [](Bank& b) { b.add("C", 55, "SC"); });  // C back, by its serial
    EXPECT_EQ(fresh.at(46s).packs.size(), 5U) << "A, B, C, D and the shunt: the steps above did what they say";
    EXPECT_EQ(verdict(fresh.at(46s), "M").role, PackRole::Monitor);
}

// The daemon refreshes the last assessment when a pack's reading changed only its values
// (refreshValues): whatever happens on the bus, what it gets must be what a full assessment gives.
// Two banks go through the same random changes (seeded: a failure repeats), one assessed afresh
// every time, one the daemon's way.
TEST(PackHealth, ARefreshedBankIsTheBankAssessedAfresh)
{
    for (const unsigned seed : {1U, 2U, 3U, 4U}) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        std::mt19937 random(seed);
        const auto chance = [&random](int percent) { return static_cast<int>(random() % 100) < percent; };
        const std::vector<std::string> names = {"A", "B", "C", "D"};
        Bank fresh, refreshed;
        for (Bank* b : {&fresh, &refreshed}) {
            b->memory.known = {{"serial:OLD", "Old"}, {"serial:SD", "D before"}};  // one never back, one back later
            for (const auto& n : names) b->add(n, 50, n == "A" ? "SA" : "");
        }
        // A value on a pack whose driver ran at some point (one that left keeps its last values).
        const auto setOn = [](Bank& b, const std::string& service, const char* path, Value v) {
            if (b.states.count(service)) Bank::set(*b.states.at(service), path, std::move(v));
        };
        std::chrono::seconds now{0};
        int fullRuns = 0;
        for (int stepNo = 0; stepNo < 800; ++stepNo) {
            // One change, drawn once and made to both banks.
            const std::string name = names[random() % names.size()];
            const std::string service = "com.victronenergy.battery." + name;
            const int kind = static_cast<int>(random() % 100);
            const double value = static_cast<double>(random() % 1000) / 10.0;
            const bool flag = chance(50);
            std::function<void(Bank&)> change;
            if (kind < 60) {
                const char* path = flag ? "/Soc" : (chance(50) ? "/Info/MaxChargeCurrent" : "/Dc/0/Current");
                change = [=](Bank& b) { setOn(b, service, path, value); };
            } else if (kind < 65) {
                const std::string cell = "C" + std::to_string(static_cast<int>(value));
                change = [=](Bank& b) { setOn(b, service, "/System/MaxVoltageCellId", cell); };
            } else if (kind < 80) {  // whatever was wrong with it is over: most faults are brief
                change = [=](Bank& b) {
                    if (!b.observed.count(service)) {
                        b.add(name, value);
                        return;
                    }
                    b.observed.at(service).answering = b.observed.at(service).read = true;
                    Bank::set(*b.states.at(service), "/Connected", std::int64_t{1});
                    Bank::set(*b.states.at(service), "/Soc", value);
                };
            } else if (kind < 82) {
                change = [=](Bank& b) { setOn(b, service, "/Connected", std::int64_t{flag ? 1 : 0}); };
            } else if (kind < 84) {
                change = [=](Bank& b) { setOn(b, service, "/Soc", flag ? Value{value} : Value{Invalid{}}); };
            } else if (kind < 86) {
                change = [=](Bank& b) {
                    if (b.observed.count(service)) b.observed.at(service).answering = flag;
                };
            } else if (kind < 88) {
                change = [=](Bank& b) {
                    if (b.observed.count(service)) b.observed.at(service).read = flag;
                };
            } else if (kind < 91) {  // its driver stops, or starts again with new values
                change = [=](Bank& b) {
                    if (b.observed.count(service))
                        b.leave(name);
                    else
                        b.add(name, value);
                };
            } else if (kind < 93) {
                change = [=](Bank& b) { setOn(b, service, "/Serial", flag ? "S" + name : std::string("SD")); };
            } else if (kind < 95) {
                change = [=](Bank& b) { setOn(b, service, "/CustomName", flag ? name : name + " renamed"); };
            } else if (kind < 97) {  // a shunt comes or goes; or a pack loses its limits
                change = [=](Bank& b) {
                    if (!flag && b.states.count(service)) {
                        setOn(b, service, "/Info/MaxChargeCurrent", Invalid{});
                    } else if (b.observed.count("com.victronenergy.battery.M")) {
                        b.leave("M");
                    } else {
                        Bank::set(b.add("M"), "/Info/MaxChargeCurrent", Invalid{});
                    }
                };
            } else if (kind < 98) {
                change = [](Bank& b) { forgetMissing(b.memory); };
            } else {
                change = [](Bank&) {};
            }
            change(fresh);
            change(refreshed);
            now += std::chrono::seconds(chance(3) ? 40 : random() % 3);

            const int before = refreshed.refreshes;
            const HealthAssessment expected = fresh.at(now);
            const HealthAssessment& got = refreshed.refreshedAt(now);
            if (refreshed.refreshes == before) ++fullRuns;
            expectSameAssessment(expected, got,
                                 "step " + std::to_string(stepNo) + " at " + std::to_string(now.count()) + " s");
            ASSERT_TRUE(fresh.memory.known == refreshed.memory.known) << "step " << stepNo;
            if (HasFailure()) return;
        }
        // Both ways were taken, often: the comparison above is not of one way with itself.
        EXPECT_GT(refreshed.refreshes, 100);
        EXPECT_GT(fullRuns, 100);
    }
}

// What refreshValues() refuses: anything but a pack's values changing, and a bank that still
// waits for time (a pack away, remembered packs within their grace, not yet settled). A refusal
// changes nothing; assessHealth() then runs.
TEST(PackHealth, OnlyValuesChangingIsARefresh)
{
    struct Case {
        const char* name;
        std::function<void(Bank&)> change;
    };
    const auto of = [](Bank& b, const char* n) -> PackValues& {
        return *b.states.at(std::string("com.victronenergy.battery.") + n);
    };
    const std::vector<Case> refused = {
        {"a pack leaves", [](Bank& b) { b.leave("A"); }},
        {"a service appears", [](Bank& b) { b.add("N"); }},
        {"its liveness calls go unanswered", [](Bank& b) { b.obs("A").answering = false; }},
        {"its driver restarts: not read yet", [](Bank& b) { b.obs("A").read = false; }},
        {"/Connected 0", [&](Bank& b) { Bank::set(of(b, "A"), "/Connected", std::int64_t{0}); }},
        {"SOC invalid", [&](Bank& b) { Bank::set(of(b, "A"), "/Soc", Invalid{}); }},
        {"a new /Serial", [&](Bank& b) { Bank::set(of(b, "B"), "/Serial", std::string("SB2")); }},
        {"a new /CustomName", [&](Bank& b) { Bank::set(of(b, "A"), "/CustomName", std::string("Rack 1")); }},
        {"a new /ProductName (what its role rests on)",
         [&](Bank& b) { Bank::set(of(b, "M"), "/ProductName", std::string("Pylontech US5000")); }},
        {"a shunt starts publishing a CCL", [&](Bank& b) { Bank::set(of(b, "M"), "/Info/MaxChargeCurrent", 40.0); }},
        {"the owner forgot missing packs", [](Bank& b) { forgetMissing(b.memory); }},
    };
    const auto steadyBank = [&](Bank& b) {
        b.add("A", 70);
        b.add("B", 60, "SB");
        Bank::set(b.add("M"), "/Info/MaxChargeCurrent", Invalid{});  // a shunt
        b.at(0s);
        // The first assessment that finds a pack online counts it as a pack from then on, which
        // its role is decided again with in the next.
        EXPECT_FALSE(b.memory.steady);
        b.last = b.at(1s);
        ASSERT_TRUE(b.memory.steady) << "settled, ready, no pack away, nothing remembered that is not here";
    };
    for (const auto& c : refused) {
        SCOPED_TRACE(c.name);
        Bank b;
        steadyBank(b);
        Bank::set(of(b, "A"), "/Soc", 71.0);  // a value changes too: it must not be taken alone
        c.change(b);
        const auto before = b.last;
        const auto heldBefore = b.memory.services.at("com.victronenergy.battery.A").lastOnline;
        EXPECT_FALSE(refreshValues(b.observed, b.config, b.memory, b.last));
        expectSameAssessment(before, b.last, "after the refusal");
        EXPECT_TRUE(b.memory.services.at("com.victronenergy.battery.A").lastOnline == heldBefore);
    }

    Bank b;
    steadyBank(b);
    Bank::set(of(b, "A"), "/Soc", 71.0);
    Bank::set(of(b, "B"), "/Info/MaxChargeCurrent", 20.0);
    ASSERT_TRUE(refreshValues(b.observed, b.config, b.memory, b.last));
    EXPECT_EQ(inBank(b.last, "A")->get(Quantity::Soc), 71.0);
    EXPECT_EQ(inBank(b.last, "B")->get(Quantity::ChargeCurrentLimit), 20.0);
    expectSameAssessment(b.at(1s), b.last, "refreshed");

    // Not steady while time can still change the bank.
    Bank away;
    steadyBank(away);
    away.leave("A");
    away.last = away.at(1s);  // held, for reconnect_grace
    away.add("A", 70);
    EXPECT_FALSE(away.memory.steady);
    EXPECT_FALSE(refreshValues(away.observed, away.config, away.memory, away.last));

    Bank remembered;
    remembered.memory.known = {{"serial:HQ9", "Bank 9"}};
    remembered.add("A", 70);
    remembered.last = remembered.at(1s);
    EXPECT_FALSE(remembered.memory.steady) << "Bank 9 has its grace from the start";
    remembered.last = remembered.at(30s);
    EXPECT_TRUE(remembered.memory.steady) << "Bank 9 is missing now, and stays so";

    Bank starting;
    starting.add("A", 70);
    starting.last = starting.at(0s, false);
    EXPECT_FALSE(starting.memory.steady) << "ListNames not answered: not settled";
}

TEST(PackHealth, EveryWayOfBeingAwayIsHeld)
{
    struct Case {
        const char* name;
        std::function<void(Bank&)> fault;
        PackHealth health;
    };
    const std::vector<Case> cases = {
        {"hung driver", [](Bank& b) { b.obs("A").answering = false; }, PackHealth::Unresponsive},
        {"/Connected 0", [](Bank& b) { Bank::set(*b.states.begin()->second, "/Connected", std::int64_t{0}); },
         PackHealth::Disconnected},
        // Issue 11 rule 3: its driver publishes [] (invalid) while its service stays on the bus.
        {"SOC invalid", [](Bank& b) { Bank::set(*b.states.begin()->second, "/Soc", Invalid{}); }, PackHealth::Invalid},
        {"voltage implausible",
         [](Bank& b) {
             PlausibilityConfig limits;
             b.states.begin()->second->apply("/Dc/0/Voltage", Decoded{5000.0, true}, limits);
         },
         PackHealth::Invalid},
        {"back on the bus, not read yet", [](Bank& b) { b.obs("A").read = false; }, PackHealth::Connecting},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        Bank bank;
        bank.add("A", 60);
        bank.add("B", 64);
        bank.at(0s);
        c.fault(bank);
        auto a = bank.at(1s);
        EXPECT_EQ(verdict(a, "A").health, c.health);
        EXPECT_EQ(presence(a, "A"), PackPresence::Held);
        ASSERT_TRUE(inBank(a, "A"));
        EXPECT_EQ(inBank(a, "A")->get(Quantity::Soc), 60.0) << "the SOC of its last online moment";
        EXPECT_EQ(presence(bank.at(31s), "A"), PackPresence::Missing);
    }
}

// A held pack's limits never count up, but one still on the bus that now says less is taken at
// its word: its lower DCL, its block. What it does not publish now keeps its last online value.
TEST(PackHealth, AHeldPackStillOnTheBusPassesOnLowerLimits)
{
    Bank bank;
    auto& a = bank.add("A", 60);
    Bank::set(a, "/Info/MaxDischargeCurrent", 100.0);
    bank.at(0s);
    Bank::set(a, "/Soc", Invalid{});
    Bank::set(a, "/Info/MaxDischargeCurrent", 20.0);
    Bank::set(a, "/Io/AllowToCharge", std::int64_t{0});
    Bank::set(a, "/Info/MaxChargeCurrent", Invalid{});
    const auto h = bank.at(1s);
    ASSERT_EQ(presence(h, "A"), PackPresence::Held);
    const auto* held = inBank(h, "A");
    EXPECT_EQ(held->get(Quantity::Soc), 60.0) << "its SOC is the held one";
    EXPECT_EQ(held->get(Quantity::DischargeCurrentLimit), 20.0) << "what it says now";
    EXPECT_EQ(held->get(Quantity::AllowToCharge), 0.0);
    EXPECT_EQ(held->get(Quantity::ChargeCurrentLimit), 50.0) << "not published now: its last online value";
}

// Issue 11 rule 3, second input: three packs held at SOC 80 come back, still unread (or reading
// invalid values while their driver starts), 13 s into a 30 s grace: still held.
TEST(PackHealth, PacksBackButUnreadKeepTheirHold)
{
    Bank bank;
    for (const char* n : {"A", "B", "C"}) bank.add(n, 80);
    bank.at(0s);
    for (const char* n : {"A", "B", "C"}) bank.leave(n);
    bank.at(1s);
    for (const char* n : {"A", "B", "C"}) bank.add(n, 80);
    bank.obs("A").read = false;                                         // GetItems not answered yet
    Bank::set(*bank.states["com.victronenergy.battery.B"], "/Soc", Invalid{});  // read, SOC not there yet
    auto a = bank.at(13s);
    EXPECT_EQ(presence(a, "A"), PackPresence::Held);
    EXPECT_EQ(presence(a, "B"), PackPresence::Held);
    EXPECT_EQ(presence(a, "C"), PackPresence::Online);
    EXPECT_EQ(inBank(a, "B")->get(Quantity::Soc), 80.0);
}

TEST(PackHealth, ANewPackThatNeverWorksIsMissingAfterTheGraceNotAtOnce)
{
    Bank bank;
    bank.add("A");
    auto& b = bank.add("B");
    Bank::set(b, "/Soc", Invalid{});  // a BMS whose driver starts before its first poll
    auto a = bank.at(0s);
    EXPECT_EQ(verdict(a, "B").health, PackHealth::Invalid);
    EXPECT_FALSE(presence(a, "B")) << "not counted, and no alarm yet";
    EXPECT_FALSE(presence(bank.at(29s), "B"));
    EXPECT_EQ(presence(bank.at(30s), "B"), PackPresence::Missing);

    bank.obs("B").read = false;  // one that never answers its first read: nothing is known of it
    EXPECT_EQ(verdict(bank.at(31s), "B").health, PackHealth::Connecting);
}

TEST(PackHealth, ExcludedPacksDoNotCount)
{
    Bank bank;
    bank.config.exclude = {"serial:X1"};
    bank.add("A", 80, "X1");
    bank.add("B");
    const auto a = bank.at(0s);
    EXPECT_EQ(verdict(a, "A").health, PackHealth::Excluded);
    EXPECT_FALSE(presence(a, "A"));
    EXPECT_FALSE(inBank(a, "A"));
    EXPECT_TRUE(inBank(a, "B"));
}

// Issue 11 rule 6: only packs count; a shunt or another aggregator never multiplies the limits.
TEST(PackHealth, MonitorsAndAggregatesAreNotPacks)
{
    Bank bank;
    bank.add("bms");
    auto& shunt = bank.add("ttyO1");
    shunt.apply("/Info/MaxChargeCurrent", Decoded{Invalid{}, true}, {});
    auto& other = bank.add("aggregator");
    Bank::set(other, "/ProductName", std::string("Battery Aggregator"));
    const auto a = bank.at(0s);
    EXPECT_EQ(verdict(a, "ttyO1").role, PackRole::Monitor);
    EXPECT_EQ(verdict(a, "ttyO1").roleReason, "publishes no limits and no cells");
    EXPECT_EQ(verdict(a, "aggregator").role, PackRole::Aggregate);
    EXPECT_EQ(a.bank.size(), 1u);
    EXPECT_EQ(a.bank[0].label, "bms");
    ASSERT_EQ(bank.memory.known.size(), 1u) << "only packs are remembered";

    // A pack that loses its limits for a moment stays a pack (held: its SOC counts, its limits not).
    bank.states["com.victronenergy.battery.bms"]->apply("/Info/MaxChargeCurrent", Decoded{Invalid{}, true}, {});
    EXPECT_EQ(verdict(bank.at(1s), "bms").role, PackRole::Pack);
    // A monitor leaving is nothing to hold or miss.
    bank.leave("ttyO1");
    EXPECT_FALSE(presence(bank.at(100s), "ttyO1"));
}

// The role is kept between assessments only while what it rests on stays the same: a service
// that starts publishing limits becomes a pack, one that turns out to be a SmartShunt a monitor.
TEST(PackHealth, ARoleIsDecidedAgainWhenWhatItRestsOnChanges)
{
    Bank bank;
    auto& s = bank.add("ttyO1");
    s.apply("/Info/MaxChargeCurrent", Decoded{Invalid{}, true}, {});
    EXPECT_EQ(verdict(bank.at(0s), "ttyO1").role, PackRole::Monitor);
    EXPECT_EQ(verdict(bank.at(1s), "ttyO1").role, PackRole::Monitor) << "nothing changed";
    Bank::set(s, "/Info/MaxChargeCurrent", 40.0);
    EXPECT_EQ(verdict(bank.at(2s), "ttyO1").role, PackRole::Pack);
    Bank::set(s, "/ProductName", std::string("SmartShunt 500A/50mV"));
    const auto a = bank.at(3s);
    EXPECT_EQ(verdict(a, "ttyO1").role, PackRole::Monitor);
    EXPECT_EQ(verdict(a, "ttyO1").roleReason, "ProductName SmartShunt 500A/50mV");
    Bank::set(s, "/ProductName", std::string("Pylontech US5000"));
    EXPECT_EQ(verdict(bank.at(4s), "ttyO1").role, PackRole::Pack);
}

TEST(PackHealth, SameSerialUnderANewServiceNameCountsOnce)
{
    Bank bank;
    bank.add("ttyUSB0", 70, "HQ1");
    bank.at(0s);
    bank.leave("ttyUSB0");
    bank.add("ttyUSB1", 71, "HQ1");  // the driver came back on another port
    const auto a = bank.at(1s);
    EXPECT_FALSE(presence(a, "ttyUSB0"));
    EXPECT_EQ(presence(a, "ttyUSB1"), PackPresence::Online);
    EXPECT_EQ(a.bank.size(), 1u);
    EXPECT_EQ(bank.memory.known.size(), 1u);
}

// Found by trying to break it: a BMS that changes its /Serial while online (SetValue, or a
// firmware that starts to report one) was remembered twice, and the old identity reported missing
// (/Alarms/BmsCable 2, a "remembered, not seen since the start" row) once the grace had passed.
TEST(PackHealth, APackThatChangesItsSerialWhileOnlineIsRememberedOnce)
{
    Bank bank;
    auto& a = bank.add("A", 70, "OLD");
    bank.add("B", 60, "SB");
    bank.at(0s);
    bank.at(40s);
    Bank::set(a, "/Serial", std::string("NEW"));
    auto now = bank.at(41s);
    EXPECT_TRUE(now.knownChanged);
    now = bank.at(42s);
    EXPECT_EQ(now.packs.size(), 2u) << "no row for the old serial";
    EXPECT_EQ(now.bank.size(), 2u);
    EXPECT_EQ(bank.memory.known, (std::vector<KnownPack>{{"serial:NEW", "A"}, {"serial:SB", "B"}}));

    // Another pack on the same service after its driver reconnected is not the same pack: the
    // one it replaced is still remembered, and missing.
    bank.leave("A");
    bank.at(43s);
    bank.add("A", 50, "OTHER");
    now = bank.at(44s);
    EXPECT_EQ(bank.memory.known.size(), 3u);
    now = bank.at(80s);
    EXPECT_EQ(presence(now, "A"), PackPresence::Online);
    ASSERT_EQ(now.packs.size(), 3u);
    EXPECT_EQ(now.packs.back().identity, "serial:NEW");
    EXPECT_EQ(now.packs.back().presence, PackPresence::Missing);
}

// Issue 11 rule 5: a restart alone must not hide a pack that is still missing.
TEST(PackHealth, RememberedPacksAreMissingAfterTheGraceFromTheStart)
{
    Bank bank;
    bank.memory.known = {{"serial:HQ1", "Bank 1"}, {"serial:HQ2", "Bank 2"}};
    bank.add("A", 80, "HQ1");
    auto a = bank.at(1s);
    EXPECT_EQ(a.bank.size(), 1u) << "Bank 2 has its grace from the start";
    EXPECT_EQ(a.packs.size(), 1u) << "and is not listed during it (at boot the drivers start after us)";
    EXPECT_TRUE(a.readyToPublish) << "a pack is online";
    a = bank.at(30s);
    EXPECT_EQ(verdict(a, "Bank 2").health, PackHealth::Missing);
    EXPECT_EQ(presence(a, "Bank 2"), PackPresence::Missing);
    EXPECT_TRUE(verdict(a, "Bank 2").service.empty());
    EXPECT_FALSE(a.knownChanged);

    // It comes back (any service name): the remembered row gives way to the live one.
    bank.add("ttyUSB3", 79, "HQ2");
    a = bank.at(31s);
    EXPECT_EQ(a.bank.size(), 2u);
    EXPECT_EQ(presence(a, "ttyUSB3"), PackPresence::Online);
    EXPECT_EQ(a.packs.size(), 2u);
    EXPECT_TRUE(a.knownChanged) << "the label is the one it has now";
}

TEST(PackHealth, AHungDriverAtStartIsUnresponsiveNotConnecting)
{
    Bank bank;
    bank.add("A");
    bank.obs("A").read = false;
    bank.obs("A").answering = false;
    EXPECT_EQ(verdict(bank.at(1s), "A").health, PackHealth::Unresponsive);
}

TEST(PackHealth, ForgettingMissingPacksClearsThemAndKeepsTheOthers)
{
    Bank bank;
    bank.memory.known = {{"serial:OLD", "Old bank"}};
    bank.add("A");
    bank.add("B");
    bank.add("C");
    bank.at(0s);
    bank.leave("B");
    bank.at(1s);
    auto a = bank.at(61s);
    EXPECT_EQ(presence(a, "B"), PackPresence::Missing);
    EXPECT_EQ(presence(a, "Old bank"), PackPresence::Missing);
    bank.leave("C");  // a driver restarting right now: held, not missing
    EXPECT_EQ(presence(bank.at(62s), "C"), PackPresence::Held);

    const auto forgotten = forgetMissing(bank.memory);
    EXPECT_EQ(forgotten, (std::vector<std::string>{"Old bank", "B"}));
    a = bank.at(63s);
    EXPECT_EQ(a.bank.size(), 2u) << "A online, C held";
    EXPECT_FALSE(presence(a, "B"));
    EXPECT_EQ(presence(a, "C"), PackPresence::Held);
    ASSERT_EQ(bank.memory.known.size(), 2u);

    bank.add("B");  // it comes back after all: a pack again
    EXPECT_EQ(presence(bank.at(64s), "B"), PackPresence::Online);
    EXPECT_EQ(bank.memory.known.size(), 3u);
}

TEST(PackHealth, SettledOnceEverythingOnTheBusAtStartIsRead)
{
    Bank bank;
    bank.add("A");
    bank.add("B");
    bank.obs("B").read = false;
    EXPECT_FALSE(bank.at(0s, false).settled) << "ListNames not answered";
    EXPECT_FALSE(bank.at(1s).settled) << "B not read";
    bank.obs("B").read = true;
    EXPECT_TRUE(bank.at(2s).settled);
    bank.obs("B").read = false;
    EXPECT_TRUE(bank.at(3s).settled) << "latched";

    Bank hung;
    hung.add("A");
    hung.obs("A").read = false;
    EXPECT_FALSE(hung.at(9s).settled);
    EXPECT_TRUE(hung.at(10s).settled) << "a driver that never answers must not hold the bank for ever";
}

TEST(PackHealth, ReadyToPublishWaitsForARememberedPackNotForEver)
{
    Bank empty;
    EXPECT_TRUE(empty.at(0s).readyToPublish) << "nothing remembered: publish what there is";

    Bank bank;
    bank.memory.known = {{"serial:HQ1", "Bank 1"}};
    EXPECT_FALSE(bank.at(0s).readyToPublish) << "a restart must not tell the inverter 'no battery' first";
    EXPECT_FALSE(bank.at(29s).readyToPublish);
    EXPECT_TRUE(bank.at(30s).readyToPublish);

    Bank back;
    back.memory.known = {{"serial:HQ1", "Bank 1"}};
    back.add("A", 80, "HQ1");
    EXPECT_TRUE(back.at(1s).readyToPublish);
}

TEST(PackHealth, RememberedPackTheConfigurationNowExcludesIsNotMissing)
{
    Bank bank;
    bank.memory.known = {{"serial:HQ1", "Bank 1"}, {"service:com.victronenergy.battery.ttyUSB9", "Bank 9"}};
    bank.config.exclude = {"serial:HQ1", "com.victronenergy.battery.ttyUSB9"};
    const auto a = bank.at(60s);
    EXPECT_TRUE(a.bank.empty());
    EXPECT_TRUE(a.packs.empty());
}

}  // namespace
}  // namespace bagg
