using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using BindingBehaviour.Descriptors;
using BindingBehaviour.KernelTables;
using BindingBehaviour.Native;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>
/// Proves that no socket or file descriptor outlives its test. <see cref="LedgerTestFramework"/> calls <see cref="Begin"/>
/// right before the first test collection runs and <see cref="End"/> right after the last one has finished (with its
/// class and collection fixtures disposed); the ledger compares the process's descriptor table (/proc/self/fd) at those
/// two moments and writes what is left into &lt;run dir&gt;/descriptors.json (<see cref="DescriptorReport"/>), which
/// tools/BindingBehaviour.Ci judges (<c>descriptors</c>).
/// <para>
/// Who owns a descriptor still open at the end, precisely: one open before the first test (same number, same target)
/// belongs to the test host (its connection to vstest, the runtime's files). One opened during the run belongs to a test,
/// unless it is of a kind the runtime opens once on the first use of a feature and keeps for the process's life, listed in
/// <see cref="RuntimeOwned"/> with the reason. A socket is never the runtime's: any socket opened during the run and open
/// at the end is a leak. The end is looked at twice: as the tests left it, then after a full garbage collection with
/// finalizers. A socket open at the first look and gone at the second was never disposed, and only its finalizer closed
/// it; one open at both is still referenced, or is a raw descriptor with no finalizer (the engine's NativeSocket on Unix
/// holds a plain fd, so a NativeSocket never disposed is always seen). Both are leaks. A managed Socket never disposed
/// whose finalizer already ran during the run (a collection came after it was dropped) is closed by the end and cannot
/// be seen here: the file says how many collections ran during the run, so a reader knows how much it could hide. A
/// serial run with <see cref="DescriptorWindows.CollectVariable"/>=1 closes that gap: every test ends with a collection,
/// and what a finalizer closed then is listed with the test's name.
/// </para>
/// <para>
/// Every leftover names the tests during which it appeared (<see cref="DescriptorWindows"/>), so a leak found at the end
/// of a parallel run still points at its test.
/// </para>
/// On other OSes there is no /proc/self/fd: the file says the check was not made and why.
/// </summary>
public static class DescriptorLedger
{
    public const string FileName = DescriptorReport.FileName;

    /// <summary>Set to "leak" to make the ledger's own test leave sockets open on purpose: .ci/run uses it to prove the check fails.</summary>
    public const string ProofVariable = "BINDINGBEHAVIOUR_LEDGER_PROOF";

    private const string FdDirectory = "/proc/self/fd";

    private static IReadOnlyList<Descriptor>? _baseline;
    private static DateTime _startedAt;
    private static int[] _collectionsAtBegin = [0, 0, 0];

    /// <summary>Whether this OS can be checked, and if not why.</summary>
    public static string? Unsupported =>
        OperatingSystem.IsLinux() && Directory.Exists(FdDirectory)
            ? null
            : $"no {FdDirectory} on {RuntimeInformation.OSDescription}: the descriptor check is made on Linux only";

    /// <summary>Records the descriptor table before the first test.</summary>
    public static void Begin()
    {
        _startedAt = DateTime.UtcNow;
        _collectionsAtBegin = Collections();
        if (Unsupported is not null)
        {
            _baseline = [];
            return;
        }

        OpenTheRuntimesLifelongDescriptors();
        _baseline = Snapshot();
        DescriptorWindows.Recording = true;
    }

    /// <summary>
    /// The runtime opens some descriptors on the first use of a feature and keeps them for the process's life. Used first
    /// here, they fall in the baseline and need no exception: System.Native's signal pipe, which the first Process.Start
    /// (or PosixSignalRegistration, used here because it starts nothing) opens with both its ends.
    /// </summary>
    private static void OpenTheRuntimesLifelongDescriptors()
    {
        if (OperatingSystem.IsLinux())
        {
            using var registration = PosixSignalRegistration.Create(PosixSignal.SIGCONT, _ => { });
        }
    }

    /// <summary>Compares the table after the last test with the one before the first and writes descriptors.json into the run directory.</summary>
    public static string End(string runDirectory)
    {
        DescriptorWindows.Recording = false;
        var path = Path.Combine(runDirectory, FileName);
        DescriptorReport report;
        try
        {
            report = Unsupported is { } reason ? DescriptorReport.Unchecked(reason) : Report();
        }
        catch (Exception e)
        {
            // A ledger that fails must not look like a clean one: the checker fails on an error.
            report = DescriptorReport.Failed(e.ToString());
        }

        Results.RunRecorder.WriteAtomically(path, report.Serialize());
        return path;
    }

    /// <summary>The process's open descriptors now, with each socket described from /proc/self/net.</summary>
    public static IReadOnlyList<Descriptor> Snapshot()
    {
        var sockets = SocketTables();
        return List()
            .Select(d => new Descriptor(d.Fd, d.Target, KindOf(d.Target), null))
            .Select(d => d.Inode is { } inode ? d with { Socket = sockets.GetValueOrDefault(inode) ?? Unlisted(d.Fd) } : d)
            .OrderBy(d => d.Fd)
            .ToList();
    }

    /// <summary>The process's open descriptors now, as number and link target only: cheap enough to take around every test.</summary>
    public static IReadOnlyList<(int Fd, string Target)> List()
    {
        var listed = new List<(int Fd, string Target)>();
        var self = Path.GetFullPath($"/proc/{Environment.ProcessId}/fd");
        foreach (var entry in Directory.EnumerateFileSystemEntries(FdDirectory))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var fd))
            {
                continue;
            }

            string? target;
            try
            {
                target = new FileInfo(entry).LinkTarget;
            }
            catch (IOException)
            {
                continue; // closed between the listing and the read: it is not open any more.
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // The listing's own handle on the directory is not the process's: skip it.
            if (target is null || target == self || target == FdDirectory)
            {
                continue;
            }

            listed.Add((fd, target));
        }

        return listed;
    }

    /// <summary>The descriptors in <paramref name="now"/> that were not open (same number and target) in <paramref name="before"/>.</summary>
    public static IReadOnlyList<Descriptor> OpenedSince(IReadOnlyList<Descriptor> before, IReadOnlyList<Descriptor> now)
    {
        var earlier = before.Select(d => (d.Fd, d.Target)).ToHashSet();
        return now.Where(d => !earlier.Contains((d.Fd, d.Target))).ToList();
    }

    /// <summary>
    /// Why the runtime, not a test, owns a descriptor opened during the run, or null when a test owns it. The rules name
    /// files the runtime opens on a test's first use of an assembly and keeps open while it is loaded, which is for the
    /// process's life. No socket, pipe or anonymous inode is the runtime's: those it keeps for life (the socket engine's
    /// epoll, System.Native's signal pipe) are opened before the baseline, by the test host or by <see cref="Begin"/>.
    /// </summary>
    public static string? RuntimeOwned(Descriptor descriptor)
    {
        if (descriptor.Kind != "file")
        {
            return null;
        }

        var loaded = LoadedAssemblyFiles();
        if (loaded.Contains(descriptor.Target))
        {
            return "loaded assembly: the runtime's loader keeps its file open while it is loaded, for the process's life";
        }

        if (descriptor.Target.EndsWith(".pdb", StringComparison.Ordinal) && loaded.Contains(Path.ChangeExtension(descriptor.Target, ".dll")))
        {
            return "assembly symbols: the .pdb of a loaded assembly, read for a stack trace with file and line and kept by the runtime's symbol cache";
        }

        if (descriptor.Target.EndsWith(".so", StringComparison.Ordinal) && MappedFiles().Contains(descriptor.Target))
        {
            return "native library: loaded by the runtime (mapped in /proc/self/maps)";
        }

        return null;
    }

    /// <summary>The kind of a descriptor from its /proc/self/fd link: socket, pipe, anon_inode, device, file or other.</summary>
    public static string KindOf(string target) => target switch
    {
        _ when target.StartsWith("socket:[", StringComparison.Ordinal) => "socket",
        _ when target.StartsWith("pipe:[", StringComparison.Ordinal) => "pipe",
        _ when target.StartsWith("anon_inode:", StringComparison.Ordinal) => "anon_inode",
        _ when target.StartsWith("/dev/", StringComparison.Ordinal) => "device",
        _ when target.StartsWith('/') => "file",
        _ => "other",
    };

    private static DescriptorReport Report()
    {
        var baseline = _baseline ?? throw new InvalidOperationException("The ledger's End ran without its Begin: the test framework hook is not in use.");
        if (DescriptorWindows.CollectAfterEachTest && DescriptorWindows.MostAtOnce > 1)
        {
            throw new InvalidOperationException(
                $"{DescriptorWindows.CollectVariable}=1 needs a serial run ({DescriptorWindows.MostAtOnce} tests ran at once): only then is a descriptor that closed during a test's collection closed by a finalizer, not by a neighbour");
        }

        var asLeft = Snapshot();
        var collectionsDuringRun = Collections().Zip(_collectionsAtBegin, (now, before) => now - before).ToArray();

        // Finalizers close what was dropped without Dispose: look again after them to tell dropped from referenced.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var afterFinalizers = List().ToHashSet(); // numbers and targets are all this look needs: no socket tables

        var leftovers = OpenedSince(baseline, asLeft)
            .Select(d =>
            {
                var runtime = RuntimeOwned(d);
                return new Leftover(d.Fd, d.Target, d.Kind, d.Socket,
                    runtime is null ? "test" : "runtime",
                    runtime ?? "opened during the run and matched by no rule of the runtime's own descriptors",
                    !afterFinalizers.Contains((d.Fd, d.Target)),
                    DescriptorWindows.AppearedDuring(d.Fd, d.Target));
            })
            .ToList();
        var leaks = leftovers.Where(l => l.Owner == "test").ToList();
        var sockets = asLeft.Where(d => d.Kind == "socket").ToList();

        return new DescriptorReport(DescriptorReport.SchemaName, DescriptorReport.CurrentVersion, Checked: true)
        {
            Process = Environment.ProcessId,
            StartedAt = _startedAt,
            FinishedAt = DateTime.UtcNow,
            GarbageCollectionsDuringRun = new GarbageCollections(collectionsDuringRun[0], collectionsDuringRun[1], collectionsDuringRun[2]),
            Rule = "before: open before the first test (the test host's); runtime: opened during the run by the runtime (see reason); test: any other, and every socket",
            Baseline = baseline,
            OpenedDuringRunStillOpen = leftovers,
            Leaks = leaks,
            LeakedSockets = leaks.Count(l => l.Kind == "socket"),
            SocketsAtEnd = sockets,
            SocketsAtEndNetworkFacing = sockets.Where(s => s.Socket is not { NetworkFacing: false }).ToList(),
            ClosedDuringRun = OpenedSince(asLeft, baseline).Count,
            CollectAfterEachTest = DescriptorWindows.CollectAfterEachTest,
            MostTestsAtOnce = DescriptorWindows.MostAtOnce,
            ClosedByFinalizersAfterTests = DescriptorWindows.ClosedByFinalizers
                .Select(f => new FinalizedDescriptor(f.Test, f.Fd, f.Target, KindOf(f.Target), DescriptorWindows.AppearedDuring(f.Fd, f.Target)))
                .ToList(),
        };
    }

    private static int[] Collections() => [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];

    private static HashSet<string> LoadedAssemblyFiles() =>
        AssemblyLoadContext.All
            .SelectMany(context => context.Assemblies)
            .Where(assembly => !assembly.IsDynamic && assembly.Location.Length > 0)
            .Select(assembly => assembly.Location)
            .ToHashSet(StringComparer.Ordinal);

    private static HashSet<string> MappedFiles() =>
        File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6 && fields[5].StartsWith('/'))
            .Select(fields => fields[5].Trim())
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Every socket of this network namespace listed in /proc/self/net, by inode.</summary>
    private static Dictionary<string, SocketEntry> SocketTables()
    {
        var sockets = new Dictionary<string, SocketEntry>(StringComparer.Ordinal);
        foreach (var table in new[] { "tcp", "tcp6", "udp", "udp6", "udplite", "udplite6", "raw", "raw6", "icmp", "icmp6" })
        {
            foreach (var row in InetRows(table))
            {
                var state = table.StartsWith("tcp", StringComparison.Ordinal)
                    ? KernelSocket.NameOfState(int.Parse(row.StateCode, NumberStyles.HexNumber, CultureInfo.InvariantCulture))
                    : null;
                sockets.TryAdd(row.Inode.ToString(CultureInfo.InvariantCulture),
                    new SocketEntry(table, row.Local.ToString(), row.Remote.ToString(), state, NetworkFacing: !IsLoopback(row.Local.Address)));
            }
        }

        foreach (var fields in Rows("unix"))
        {
            // Num RefCount Protocol Flags Type St Inode [Path]
            if (fields.Length >= 7)
            {
                sockets.TryAdd(fields[6], new SocketEntry("unix", fields.Length > 7 ? fields[7] : "(unnamed)", null, null, NetworkFacing: false));
            }
        }

        foreach (var table in new[] { "netlink", "packet" })
        {
            foreach (var fields in Rows(table))
            {
                // The inode is the last column of both tables. A netlink socket talks to the kernel only.
                sockets.TryAdd(fields[^1], new SocketEntry(table, string.Join(' ', fields[1..^1]), null, null, NetworkFacing: table == "packet"));
            }
        }

        return sockets;
    }

    /// <summary>An inet table of /proc/self/net through the engine's parser; empty when this kernel has no such table.</summary>
    private static List<ProcNetRow> InetRows(string table)
    {
        try
        {
            return [.. ProtocolTables.ReadInetTable($"/proc/self/net/{table}")];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return []; // no IPv6, no udplite
        }
    }

    private static IEnumerable<string[]> Rows(string table)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/self/net/{table}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break; // a table this kernel does not have (no IPv6, no udplite).
        }

        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 1)
            {
                yield return fields;
            }
        }
    }

    /// <summary>
    /// A socket no /proc/self/net table lists: a TCP socket bound but neither listening nor connected, or a socket never
    /// bound. getsockname and getsockopt (both read-only) on this process's own descriptor say where it is bound; an IP
    /// socket still at port 0 is not bound at all. What cannot be read counts as network-facing.
    /// </summary>
    private static SocketEntry Unlisted(int fd)
    {
        const int sockStream = 1, sockDgram = 2;
        if (!NativeDescriptor.TryInspect(fd, out var family, out var type, out var local))
        {
            return new SocketEntry("unknown", $"(getsockname failed: errno {Marshal.GetLastPInvokeError()})", null, null, NetworkFacing: true);
        }

        if (local is null)
        {
            return new SocketEntry($"family {family}, type {type}", "(not an IP socket)", null, null, NetworkFacing: false);
        }

        var address = local.Address;
        var protocol = type switch { sockStream => "tcp", sockDgram => "udp", _ => $"type{type}" } + (address.AddressFamily == AddressFamily.InterNetworkV6 ? "6" : "");
        var bound = local.Port != 0;
        return new SocketEntry(protocol, local.ToString(), null, bound ? "BOUND" : "UNBOUND", NetworkFacing: bound && !IsLoopback(address));
    }

    private static bool IsLoopback(IPAddress address) =>
        IPAddress.IsLoopback(address) || (address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(address.MapToIPv4()));
}
