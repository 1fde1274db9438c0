using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace BindingBehaviour.KernelTables;

/// <summary>
/// Both iterators pinned under names unique to this session in /sys/fs/bpf. <see cref="Read"/> walks the tables afresh
/// each time (each open of a pinned iterator is a new walk); <see cref="Dispose"/> unpins, and unmounts bpffs when this
/// project mounted it and nothing else is pinned there. Pinning, unpinning, mounting and unmounting happen under one
/// lock shared by every process of the project, so concurrent runs never unmount each other's pins.
/// </summary>
public sealed partial class KernelTableSession : IDisposable
{
    public const string PinDirectory = "/sys/fs/bpf";
    internal const string PinPrefix = "bindingbehaviour-";

    private static int sequence;
    private readonly string tcpPin;
    private readonly string udpPin;
    private bool disposed;

    private KernelTableSession(string tcpPin, string udpPin, TimeSpan pinTime)
    {
        this.tcpPin = tcpPin;
        this.udpPin = udpPin;
        PinTime = pinTime;
    }

    /// <summary>Where this session pinned its two iterators.</summary>
    internal IReadOnlyList<string> Pins => [tcpPin, udpPin];

    /// <summary>How long loading and pinning both iterators took.</summary>
    public TimeSpan PinTime { get; }

    internal static KernelTableSession Pin(CompiledIterators compiled)
    {
        var clock = Stopwatch.StartNew();
        var name = string.Create(CultureInfo.InvariantCulture, $"{PinPrefix}{Environment.ProcessId}-{Interlocked.Increment(ref sequence)}-{Guid.NewGuid():N}");
        var tcp = Path.Combine(PinDirectory, name + "-tcp");
        var udp = Path.Combine(PinDirectory, name + "-udp");
        using (BpfFs.Lock())
        {
            BpfFs.MountIfNeeded();
            var bpftool = Tools.Find("bpftool") ?? throw new KernelTablesUnavailableException("bpftool is gone");
            var pins = new[] { (compiled.TcpObject, tcp), (compiled.UdpObject, udp) }
                .Select(p => Task.Run(() => Tools.Run(bpftool, ["iter", "pin", p.Item1, p.Item2]))).ToArray();
            Task.WaitAll(pins);
            if (pins.Select(p => p.Result).Where(r => r.Code != 0).Select(r => r.Stderr).FirstOrDefault() is { } failed)
            {
                BpfFs.Unpin(tcp, udp);
                BpfFs.UnmountIfOurs();
                throw new KernelTablesUnavailableException($"the iterators did not load (bpftool iter pin: {Last(failed)})");
            }
        }

        return new KernelTableSession(tcp, udp, clock.Elapsed);
    }

    /// <summary>Walks both tables now: every TCP and every UDP socket of the reader's network namespace.</summary>
    public KernelTableRead Read()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var clock = Stopwatch.StartNew();
        var tcp = File.ReadAllText(tcpPin);
        var udp = File.ReadAllText(udpPin);
        var elapsed = clock.Elapsed;
        return new KernelTableRead([.. KernelTableLines.Parse(tcp), .. KernelTableLines.Parse(udp)], elapsed);
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        using (BpfFs.Lock())
        {
            BpfFs.Unpin(tcpPin, udpPin);
            BpfFs.UnmountIfOurs();
        }
    }

    private static string Last(string stderr) =>
        stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no message";

    /// <summary>The bpf filesystem at /sys/fs/bpf: mounted when needed, unmounted only by whoever of the project mounted it.</summary>
    private static partial class BpfFs
    {
        // A mount made by this project is remembered by its mount id (mountinfo's first field), so a stale marker never
        // makes us unmount a bpffs someone else mounted later.
        // In /run, not TMPDIR: every process of the project must find the same lock, whatever its environment.
        private static readonly string StateDirectory = Directory.Exists("/run") ? "/run" : Path.GetTempPath();
        private static readonly string Marker = Path.Combine(StateDirectory, "bindingbehaviour-bpffs.mounted");
        private static readonly string LockFile = Path.Combine(StateDirectory, "bindingbehaviour-bpffs.lock");

        /// <summary>An exclusive lock across processes (FileShare.None is flock(LOCK_EX) on Linux), waited for up to 60 s.</summary>
        public static IDisposable Lock()
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    return new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException) when (clock.Elapsed < TimeSpan.FromSeconds(60))
                {
                    Thread.Sleep(10);
                }
                catch (IOException e)
                {
                    throw new KernelTablesUnavailableException($"the lock {LockFile} was not free within 60 s: {e.Message}");
                }
            }
        }

        public static void MountIfNeeded()
        {
            if (MountId() is not null)
            {
                return;
            }

            if (Mount("bpf", PinDirectory, "bpf", 0, 0) != 0)
            {
                throw new KernelTablesUnavailableException($"{PinDirectory} is not a bpf filesystem and mounting one failed (errno {Marshal.GetLastPInvokeError()}: {Marshal.GetLastPInvokeErrorMessage()})");
            }

            // A new bpffs may come with entries of its own (the kernel's preloaded maps.debug and progs.debug): those
            // are remembered with the mount id, so that only they may remain when we unmount.
            File.WriteAllLines(Marker, [MountId() ?? "", .. Entries()]);
        }

        public static void Unpin(params string[] pins)
        {
            foreach (var pin in pins)
            {
                // Unlinking a pinned iterator unpins it; the program is freed with its last reference.
                File.Delete(pin);
            }
        }

        public static void UnmountIfOurs()
        {
            var id = MountId();
            var marker = File.Exists(Marker) ? File.ReadAllLines(Marker) : [];
            if (id is null || marker.Length == 0 || marker[0] != id)
            {
                return;
            }

            if (Entries().Except(marker.Skip(1), StringComparer.Ordinal).Any())
            {
                return; // another session (of this or another process), or someone else, still holds pins there
            }

            if (Umount2(PinDirectory, 0) == 0)
            {
                File.Delete(Marker);
            }
        }

        private static IEnumerable<string> Entries() =>
            Directory.EnumerateFileSystemEntries(PinDirectory).Select(Path.GetFileName).OfType<string>();

        /// <summary>The mount id of the bpf filesystem mounted at /sys/fs/bpf in this mount namespace, or null.</summary>
        private static string? MountId()
        {
            // mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS"; the last match is the visible one.
            string? id = null;
            foreach (var line in File.ReadLines("/proc/self/mountinfo"))
            {
                var fields = line.Split(' ');
                var separator = Array.IndexOf(fields, "-");
                if (fields.Length > 4 && fields[4] == PinDirectory && separator > 0 && separator + 1 < fields.Length)
                {
                    id = fields[separator + 1] == "bpf" ? fields[0] : null;
                }
            }

            return id;
        }

        [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        private static partial int Mount(string source, string target, string type, ulong flags, nint data);

        [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        private static partial int Umount2(string target, int flags);
    }
}

/// <summary>One walk of both tables: every socket found, and how long reading the two pinned iterators took.</summary>
public sealed record KernelTableRead(IReadOnlyList<KernelSocket> Sockets, TimeSpan Elapsed)
{
    /// <summary>The sockets on one port in one network namespace (a claim's own, whatever else runs beside it).</summary>
    public IReadOnlyList<KernelSocket> On(int port, uint networkNamespace) =>
        Sockets.Where(s => s.Port == port && s.NetworkNamespace == networkNamespace).ToList();

    /// <summary>The sockets on one port, any namespace this read saw.</summary>
    public IReadOnlyList<KernelSocket> On(int port) => Sockets.Where(s => s.Port == port).ToList();
}
