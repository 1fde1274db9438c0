using System.Net.Sockets;
using BindingBehaviour.KernelTables;
using BindingBehaviour.Matrix;
using BindingBehaviour.Native;

namespace BindingBehaviour.Probe.Doctor;

/// <summary>
/// The holders' options as the kernel holds them (Linux, root): one walk of the kernel's TCP and UDP tables by the BPF
/// iterators of src/BindingBehaviour/KernelTables, taken when the doctor starts. A holder is found by its socket inode
/// where the socket list gave one, else by protocol, address, port and state when exactly one entry (or several with the
/// same flags) matches; otherwise its options stay unknown.
/// </summary>
public sealed class KernelTableHolderOptions : IHolderOptionsReader
{
    private readonly IReadOnlyList<KernelSocket> sockets;

    public KernelTableHolderOptions(IReadOnlyList<KernelSocket> sockets) => this.sockets = sockets;

    public string Source => "the kernel's socket tables (BPF iter/tcp and iter/udp: sk_reuse, sk_reuseport, sk_ipv6only)";

    /// <summary>A reader from one walk of this machine's tables, or null with the reason it cannot read them.</summary>
    public static KernelTableHolderOptions? ForThisMachine(out string? reason)
    {
        if (!KernelTableReader.TryOpen(out var session, out reason))
        {
            return null;
        }

        using (session)
        {
            return new KernelTableHolderOptions(session.Read().Sockets);
        }
    }

    public NativeOptions? Read(HeldSocket holder)
    {
        var protocol = holder.Transport == Transport.Tcp ? "tcp" : "udp";
        var candidates = holder.Inode is > 0 and var inode && sockets.Where(s => s.Inode == (ulong)inode).ToList() is { Count: > 0 } byInode
            ? byInode
            : sockets.Where(s => s.Protocol == protocol && s.Port == holder.Local.Port && s.Address.Equals(holder.Local.Address)
                && (protocol == "udp" || s.StateName == holder.State)).ToList();
        var options = candidates.Select(Options).Distinct().ToList();
        return options.Count == 1 ? options[0] : null;
    }

    /// <summary>The matrix's option words for an entry: REUSEADDR (sk_reuse), REUSEPORT (sk_reuseport), V6ONLY (sk_ipv6only, IPv6 only).</summary>
    public static NativeOptions Options(KernelSocket socket) =>
        (socket.Reuse != 0 ? NativeOptions.ReuseAddress : NativeOptions.None)
        | (socket.ReusePort != 0 ? NativeOptions.ReusePort : NativeOptions.None)
        | (socket.Family == AddressFamily.InterNetworkV6 && socket.V6Only ? NativeOptions.V6Only : NativeOptions.None);
}
