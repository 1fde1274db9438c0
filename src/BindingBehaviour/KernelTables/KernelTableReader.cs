using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace BindingBehaviour.KernelTables;

/// <summary>
/// Reads the kernel's own TCP and UDP socket tables through two BPF iterators (kernel_tables.bpf.c, embedded in this
/// assembly). The program is compiled once per process with Debian's clang against a vmlinux.h that bpftool generates
/// from this kernel's BTF; each <see cref="KernelTableSession"/> pins both iterators under unique names in /sys/fs/bpf,
/// and unpins them when disposed. Where it cannot work, <see cref="WhyUnavailable"/> says why, in one sentence.
/// </summary>
public static class KernelTableReader
{
    internal const string SourceName = "kernel_tables.bpf.c";

    private static readonly Lazy<(CompiledIterators? Compiled, string? Reason)> Compiled = new(Compile);
    private static readonly Lazy<string?> Unavailable = new(FindWhyUnavailable);

    /// <summary>Why this process cannot read the kernel's tables (another OS, no CAP_BPF, no BTF, no iterators, no clang or bpftool, ...); null when it can.</summary>
    public static string? WhyUnavailable => Unavailable.Value;

    /// <summary>How long compiling the iterators took in this process (once), or null before or without a compilation.</summary>
    public static TimeSpan? CompileTime => Compiled.IsValueCreated ? Compiled.Value.Compiled?.Elapsed : null;

    /// <summary>Pins both iterators; read them with <see cref="KernelTableSession.Read"/>, and dispose to unpin.</summary>
    public static bool TryOpen([NotNullWhen(true)] out KernelTableSession? session, [NotNullWhen(false)] out string? reason)
    {
        session = null;
        reason = Precondition() ?? Compiled.Value.Reason;
        if (reason is not null)
        {
            return false;
        }

        try
        {
            session = KernelTableSession.Pin(Compiled.Value.Compiled!);
            return true;
        }
        catch (KernelTablesUnavailableException e)
        {
            reason = e.Message;
            return false;
        }
    }

    /// <summary>Like <see cref="TryOpen"/>, but throws <see cref="KernelTablesUnavailableException"/> with the reason.</summary>
    public static KernelTableSession Open() =>
        TryOpen(out var session, out var reason) ? session : throw new KernelTablesUnavailableException(reason);

    /// <summary>The whole chain once (checks, compilation, pinning, one read of each table), so a caller can skip with the reason.</summary>
    private static string? FindWhyUnavailable()
    {
        if (!TryOpen(out var session, out var reason))
        {
            return reason;
        }

        using (session)
        {
            try
            {
                session.Read();
                return null;
            }
            catch (Exception e) when (e is KernelTablesUnavailableException or IOException or FormatException)
            {
                return $"the pinned iterators could not be read: {e.Message}";
            }
        }
    }

    /// <summary>What the machine must offer before anything is compiled, cheapest checks first.</summary>
    private static string? Precondition() => Precondition(
        OperatingSystem.IsLinux() ? null : RuntimeInformationDescription(),
        File.Exists("/proc/self/status") ? File.ReadAllText("/proc/self/status") : "",
        File.Exists(Btf),
        Tools.Find("clang"), Tools.Find("bpftool"), File.Exists(LibbpfHelpers));

    internal const string Btf = "/sys/kernel/btf/vmlinux";
    internal const string LibbpfHelpers = "/usr/include/bpf/bpf_helpers.h";

    /// <summary>The checks, on their inputs (so the engine tests can give each reason): OS, capabilities, BTF, tools, headers.</summary>
    internal static string? Precondition(string? otherOs, string procStatus, bool hasBtf, string? clang, string? bpftool, bool hasLibbpf)
    {
        if (otherOs is not null)
        {
            return $"another OS: BPF iterators are a Linux kernel feature, and this is {otherOs}";
        }

        if (LinuxCapabilities.Missing(procStatus) is { } capabilities)
        {
            return capabilities;
        }

        if (!hasBtf)
        {
            return $"no BTF: {Btf} is missing (a kernel built without CONFIG_DEBUG_INFO_BTF), so the kernel's types cannot be read";
        }

        const string install = "install Debian's clang, libbpf-dev and bpftool (apt-get install clang libbpf-dev bpftool)";
        if (clang is null)
        {
            return $"no clang on PATH to compile {SourceName}: {install}";
        }

        if (bpftool is null)
        {
            return $"no bpftool (PATH, /usr/sbin, /sbin) to generate vmlinux.h and pin the iterators: {install}";
        }

        return hasLibbpf ? null : $"no libbpf headers ({LibbpfHelpers}): {install}";
    }

    private static string RuntimeInformationDescription() => System.Runtime.InteropServices.RuntimeInformation.OSDescription;

    /// <summary>vmlinux.h from this kernel's BTF, then both iterators compiled at once, into a directory of this process.</summary>
    private static (CompiledIterators?, string?) Compile()
    {
        if (Precondition() is { } reason)
        {
            return (null, reason);
        }

        var clock = Stopwatch.StartNew();
        var directory = Directory.CreateTempSubdirectory("bindingbehaviour-bpf-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(directory);
        try
        {
            var source = Path.Combine(directory, SourceName);
            using (var resource = typeof(KernelTableReader).Assembly.GetManifestResourceStream(SourceName)
                ?? throw new InvalidOperationException($"{SourceName} is not embedded in {typeof(KernelTableReader).Assembly.GetName().Name}."))
            using (var file = File.Create(source))
            {
                resource.CopyTo(file);
            }

            var vmlinux = Tools.Run(Tools.Find("bpftool")!, ["btf", "dump", "file", Btf, "format", "c"]);
            if (vmlinux.Code != 0)
            {
                return (null, $"bpftool could not dump the kernel's BTF: {vmlinux.Stderr.Trim()}");
            }

            if (!vmlinux.Stdout.Contains("struct bpf_iter__tcp {", StringComparison.Ordinal)
                || !vmlinux.Stdout.Contains("struct bpf_iter__udp {", StringComparison.Ordinal))
            {
                return (null, "no iterator support: the kernel's BTF has no bpf_iter__tcp or bpf_iter__udp (a kernel without CONFIG_BPF_SYSCALL's socket iterators, before 5.9 for UDP)");
            }

            File.WriteAllText(Path.Combine(directory, "vmlinux.h"), vmlinux.Stdout);
            var clang = Tools.Find("clang")!;
            var objects = new[] { ("TABLE_TCP", "tcp.bpf.o"), ("TABLE_UDP", "udp.bpf.o") };
            var compiles = objects.Select(o => Task.Run(() => Tools.Run(clang,
                ["-O2", "-g", "-target", "bpf", $"-D__TARGET_ARCH_{TargetArch()}", $"-D{o.Item1}", "-I", directory, "-c", source, "-o", Path.Combine(directory, o.Item2)]))).ToArray();
            Task.WaitAll(compiles);
            if (compiles.Select(c => c.Result).Where(r => r.Code != 0).Select(r => r.Stderr).FirstOrDefault() is { } failed)
            {
                return (null, $"clang could not compile {SourceName}: {failed.Trim()}");
            }

            return (new CompiledIterators(Path.Combine(directory, "tcp.bpf.o"), Path.Combine(directory, "udp.bpf.o"), clock.Elapsed), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            return (null, $"the iterators could not be compiled: {e.Message}");
        }
    }

    /// <summary>bpf_tracing.h's name for this architecture.</summary>
    private static string TargetArch() => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        System.Runtime.InteropServices.Architecture.Arm => "arm",
        System.Runtime.InteropServices.Architecture.S390x => "s390",
        System.Runtime.InteropServices.Architecture.Ppc64le => "powerpc",
        System.Runtime.InteropServices.Architecture.RiscV64 => "riscv",
        _ => "x86",
    };

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The two compiled iterator objects of this process, and what compiling them took.</summary>
internal sealed record CompiledIterators(string TcpObject, string UdpObject, TimeSpan Elapsed);

/// <summary>Why the kernel's tables cannot be read here; the message is the reason, one sentence.</summary>
public sealed class KernelTablesUnavailableException(string reason) : Exception(reason);

/// <summary>The effective capabilities of this process (CapEff in /proc/self/status) that loading an iterator needs.</summary>
internal static class LinuxCapabilities
{
    private const int SysAdmin = 21, Perfmon = 38, Bpf = 39;

    /// <summary>Null when CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN, are effective; else why not.</summary>
    public static string? Missing(string procStatus)
    {
        var line = procStatus.Split('\n').FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        var uid = procStatus.Split('\n').FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?
            .Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(2) ?? "?";
        if (line is null || !ulong.TryParse(line["CapEff:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var effective))
        {
            return "no capabilities to read: /proc/self/status has no CapEff line";
        }

        bool Has(int capability) => (effective & (1UL << capability)) != 0;
        return Has(SysAdmin) || (Has(Bpf) && Has(Perfmon))
            ? null
            : $"not root: loading a BPF iterator needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN, and this process (uid {uid}) has neither";
    }
}
