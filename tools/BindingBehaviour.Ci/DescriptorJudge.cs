using System.Text.Json;
using BindingBehaviour.Descriptors;

namespace BindingBehaviour.Ci;

/// <summary>
/// <c>descriptors RUN_DIR LABEL [--expect-proof]</c>: judges the descriptor ledger of one test run
/// (RUN_DIR/descriptors.json, a <see cref="DescriptorReport"/>) and prints one line for it, then one line per problem.
/// <para>Exit 0 when the run is clean: on Linux the check was made, no descriptor a test opened is still open at the end
/// (sockets, pipes, files: only the runtime's loaded assemblies and their symbols may stay), no socket of the test
/// process is network-facing (bound to a wildcard or non-loopback address) at the end, and, in a run with a collection
/// after each test (BINDINGBEHAVIOUR_LEDGER_COLLECT=1), no descriptor was closed by a finalizer. Exit 1 otherwise, and
/// when the file is missing, unreadable or the ledger failed, so that a check that did not run can never pass.</para>
/// <para>With --expect-proof the run is the ledger's own test left leaking on purpose (DescriptorLedgerTests with
/// BINDINGBEHAVIOUR_LEDGER_PROOF=leak): exit 0 only if the ledger reports its referenced wildcard UDP socket as a leaked
/// socket, as network-facing, and as opened during that test; in a run with a collection after each test, also its
/// dropped TCP socket as left to a finalizer by that test.</para>
/// </summary>
public static class DescriptorJudge
{
    private const string Culprit = "DescriptorLedgerTests.A_socket_opened_after_a_snapshot_is_seen_with_its_address_until_it_is_closed";

    public static int Run(string runDirectory, string label, bool expectProof)
    {
        var path = Path.Combine(runDirectory, DescriptorReport.FileName);
        if (!File.Exists(path))
        {
            Console.WriteLine($"{label} descriptors: FAILED, {path} is missing: the ledger did not run (is LedgerTestFramework the test framework?)");
            return 1;
        }

        DescriptorReport ledger;
        try
        {
            ledger = DescriptorReport.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            Console.WriteLine($"{label} descriptors: FAILED, {path} is not a descriptor report: {e.Message}");
            return 1;
        }

        if (ledger.Error is { } error)
        {
            Console.WriteLine($"{label} descriptors: FAILED, the ledger failed: {error.Split('\n')[0]}");
            return 1;
        }

        if (!ledger.Checked)
        {
            if (OperatingSystem.IsLinux())
            {
                Console.WriteLine($"{label} descriptors: FAILED, not checked on Linux: {ledger.Reason}");
                return 1;
            }

            Console.WriteLine($"{label} descriptors: not checked: {ledger.Reason}");
            return 0;
        }

        var leftovers = ledger.OpenedDuringRunStillOpen;
        var leaks = ledger.Leaks;
        var facing = ledger.SocketsAtEndNetworkFacing;
        var finalized = ledger.ClosedByFinalizersAfterTests;
        var runtime = leftovers.Where(l => l.Owner == "runtime").GroupBy(l => l.Reason.Split(':')[0]).Select(g => $"{g.Count()} {g.Key}").ToList();
        var gcs = ledger.GarbageCollectionsDuringRun;
        var collect = ledger.CollectAfterEachTest
            ? $"a collection after each of the tests, run one at a time: {finalized.Count} left to a finalizer; "
            : "";
        Console.WriteLine($"{label} descriptors: {collect}{leaks.Count} leaked ({ledger.LeakedSockets} sockets), "
            + $"{facing.Count} network-facing sockets at the end, "
            + $"{ledger.SocketsAtEnd.Count} sockets open at the end in all; "
            + $"{leftovers.Count - leaks.Count} still open are the runtime's ({(runtime.Count > 0 ? string.Join(", ", runtime) : "none")}); "
            + $"{ledger.Baseline.Count} were open before the first test; "
            + $"garbage collections during the run: {gcs.Gen0}/{gcs.Gen1}/{gcs.Gen2} (gen0/1/2)");
        foreach (var leak in leaks)
        {
            var how = leak.ClosedByFinalizer
                ? "closed only by its finalizer at the end: never disposed"
                : "open even after a full collection and finalizers: still referenced, or a raw descriptor nothing closes";
            var where = leak.AppearedDuring.Count > 0
                ? $"; appeared while {string.Join(" | ", leak.AppearedDuring)} ran"
                : "; appeared outside every test method (a constructor, a Dispose, a fixture)";
            Console.WriteLine($"  LEAK {Describe(leak.Fd, leak.Target, leak.Socket)} ({how}{where})");
        }

        foreach (var socket in facing)
        {
            Console.WriteLine($"  NETWORK-FACING at the end: {Describe(socket.Fd, socket.Target, socket.Socket)}");
        }

        foreach (var entry in finalized)
        {
            var origin = entry.AppearedDuring.Count > 0 ? $"appeared while {string.Join(" | ", entry.AppearedDuring)} ran" : "appeared outside every test method";
            Console.WriteLine($"  LEFT TO A FINALIZER fd {entry.Fd} {entry.Target}: closed by the collection after {entry.CollectedAfter}; {origin}");
        }

        if (expectProof)
        {
            return Proof(ledger, label) ? 0 : 1;
        }

        return leaks.Count > 0 || facing.Count > 0 || finalized.Count > 0 ? 1 : 0;
    }

    private static bool Proof(DescriptorReport ledger, string label)
    {
        var wildcard = ledger.Leaks.FirstOrDefault(l => l.Kind == "socket" && l.Socket is { Table: "udp" } socket
            && socket.Local.StartsWith("0.0.0.0:", StringComparison.Ordinal) && !l.ClosedByFinalizer);
        var flagged = wildcard is not null && ledger.SocketsAtEndNetworkFacing.Any(s => s.Target == wildcard.Target);
        var named = wildcard is not null && wildcard.AppearedDuring.Contains(Culprit);
        Console.WriteLine($"{label}: the referenced wildcard socket was {(flagged ? "reported as leaked and network-facing" : "NOT reported")}, "
            + $"{(named ? "named with the test that opened it" : "NOT named with the test that opened it")}");
        if (ledger.CollectAfterEachTest)
        {
            // One test at a time with a collection after each: the dropped socket must be caught right after its test.
            var caught = ledger.ClosedByFinalizersAfterTests.Any(f => f.Kind == "socket" && f.AppearedDuring.Contains(Culprit) && f.CollectedAfter == Culprit);
            Console.WriteLine($"{label}: the dropped socket was {(caught ? "caught by the collection after its test" : "NOT caught after its test")}");
            return flagged && named && caught;
        }

        var dropped = ledger.Leaks.Any(l => l.Kind == "socket" && l.ClosedByFinalizer);
        Console.WriteLine($"{label}: the dropped socket was {(dropped ? "reported as closed only by its finalizer" : "not seen (a collection closed it before the end)")}");
        return flagged && named;
    }

    private static string Describe(int fd, string target, SocketEntry? socket)
    {
        var where = "";
        if (socket is not null)
        {
            where = $" {socket.Table} {socket.Local}";
            if (socket.Remote is { Length: > 0 } remote && !remote.EndsWith(":0", StringComparison.Ordinal))
            {
                where += $" -> {remote}";
            }

            if (socket.State is { Length: > 0 } state)
            {
                where += $" {state}";
            }
        }

        return $"fd {fd} {target}{where}";
    }
}
