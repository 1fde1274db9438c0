using BindingBehaviour.Matrix;

namespace BindingBehaviour.Probe.Doctor;

/// <summary>
/// Reads the options a holder set (SO_REUSEADDR, SO_REUSEPORT, IPV6_V6ONLY), which no OS reports through its socket
/// lists. Returns null when this reader cannot tell for that socket; the doctor then says "unknown" and gives the answer
/// under each assumption. The seam for a kernel-table reader (a BPF socket iterator on Linux).
/// </summary>
public interface IHolderOptionsReader
{
    /// <summary>Who read them, for the report: "bpf iter/tcp" and the like.</summary>
    string Source { get; }

    NativeOptions? Read(HeldSocket holder);
}

public static class HolderOptions
{
    /// <summary>
    /// The reader of this machine: the kernel's own socket tables where they can be read (Linux, root, BPF iterators,
    /// clang and bpftool; <see cref="KernelTableHolderOptions"/>), else null.
    /// </summary>
    public static IHolderOptionsReader? ForThisMachine() => KernelTableHolderOptions.ForThisMachine(out _);
}
