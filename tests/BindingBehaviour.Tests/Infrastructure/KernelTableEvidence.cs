using BindingBehaviour.KernelTables;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>What the kernel-tables claims share: this namespace's entries on a claim's port, and the detail they record.</summary>
public static class KernelTableEvidence
{
    /// <summary>How a detail of these claims begins; the why page finds the table after it.</summary>
    public const string DetailPrefix = "kernel tables: ";

    public const string NoIteratorsOnWindows = "BPF iterators walk the Linux kernel's own socket tables (kernel/bpf/bpf_iter.c); Windows' tables are read through IP Helper (GetTcpTable2, GetUdpTable), which the claim protocol-tables-shown-apart does";
    public const string NoIteratorsOnMacOS = "BPF iterators walk the Linux kernel's own socket tables (kernel/bpf/bpf_iter.c); XNU exports its pcb lists through sysctl (net.inet.tcp.pcblist, net.inet.udp.pcblist), which the claim protocol-tables-shown-apart reads";

    /// <summary>The sockets one read found on a claim's port in this thread's network namespace.</summary>
    public sealed record Seen(int Port, IReadOnlyList<KernelSocket> Sockets);

    public static Seen Empty { get; } = new(0, []);

    public static Seen Mine(KernelTableRead read, int port) => new(port, read.On(port, NetworkNamespaceThread.CurrentInode()));

    /// <summary>
    /// "kernel tables: ROLE: table | bucket | local address | family | state | flags | owner | network namespace; ROLE: ...",
    /// with the claim's port written P (ports differ from run to run).
    /// </summary>
    public static string Detail(IEnumerable<(string Role, KernelSocket Socket)> rows, int? port) =>
        DetailPrefix + string.Join("; ", rows.Select(r => $"{r.Role}: {r.Socket.Describe(port)}").DefaultIfEmpty("no entry"));
}
