using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Native;

namespace BindingBehaviour.Matrix;

/// <summary>
/// What this machine can bind beyond IPv4 loopback, found by probing (never by OS name): 127.0.0.2 (absent on macOS
/// unless lo0 has the alias) and IPv6 with a loopback address. Cells that need a missing capability are skipped with the
/// reason, not counted as failures.
/// </summary>
public sealed class MatrixCapabilities
{
    public const string SecondLoopback = "127.0.0.2";
    public const string IPv6 = "IPv6";

    private readonly Dictionary<string, string> _missing;

    public MatrixCapabilities(IReadOnlyDictionary<string, string> missing)
    {
        _missing = new Dictionary<string, string>(missing, StringComparer.Ordinal);
    }

    /// <summary>Capability → why it is missing. Empty when everything is there.</summary>
    public IReadOnlyDictionary<string, string> Missing => _missing;

    public static MatrixCapabilities Everything { get; } = new(new Dictionary<string, string>());

    private static readonly Lazy<MatrixCapabilities> Probed = new(Probe);

    /// <summary>This machine's capabilities, probed once per process.</summary>
    public static MatrixCapabilities OfThisMachine => Probed.Value;

    public bool Has(string? capability) => capability is null || !_missing.ContainsKey(capability);

    /// <summary>Why a cell cannot run here, or null when it can.</summary>
    public string? SkipReason(MatrixCell cell) =>
        Reason(cell.A.Address) ?? Reason(cell.B.Address);

    public string? Reason(MatrixAddress address) =>
        address.Needs is { } needs && _missing.TryGetValue(needs, out var why) ? why : null;

    private static MatrixCapabilities Probe()
    {
        var missing = new Dictionary<string, string>(StringComparer.Ordinal);
        var second = TryBind(AddressFamily.InterNetwork, IPAddress.Parse("127.0.0.2"), v6Only: null);
        if (!second.Succeeded)
        {
            missing[SecondLoopback] = $"127.0.0.2 cannot be bound on this machine ({second.Code}); on macOS, lo0 has only 127.0.0.1 unless an alias is added";
        }

        var ipv6 = TryBind(AddressFamily.InterNetworkV6, IPAddress.IPv6Loopback, v6Only: false);
        if (ipv6.Succeeded)
        {
            ipv6 = TryBind(AddressFamily.InterNetworkV6, IPAddress.Parse("::ffff:127.0.0.1"), v6Only: false);
        }

        if (!ipv6.Succeeded)
        {
            missing[IPv6] = $"this machine cannot bind an IPv6 loopback or a dual-stack socket ({ipv6.Code})";
        }

        return new MatrixCapabilities(missing);
    }

    private static Outcome TryBind(AddressFamily family, IPAddress address, bool? v6Only)
    {
        var opened = NativeSocket.TryOpen(Transport.Udp, family, out var socket);
        if (!opened.Succeeded)
        {
            return opened;
        }

        using (socket)
        {
            if (v6Only is { } value)
            {
                var set = socket!.Set(NativeOption.V6Only, value ? 1 : 0);
                if (!set.Succeeded)
                {
                    return set;
                }
            }

            return socket!.Bind(address, 0);
        }
    }

    public override string ToString() =>
        _missing.Count == 0 ? "everything" : string.Join("; ", _missing.Select(m => $"no {m.Key}: {m.Value}"));
}
