using System.Net;
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

    private static readonly Lazy<MatrixCapabilities> Found = new(Find);

    /// <summary>This machine's capabilities, found by trying, once per process.</summary>
    public static MatrixCapabilities OfThisMachine => Found.Value;

    public bool Has(string? capability) => capability is null || !_missing.ContainsKey(capability);

    /// <summary>Why a cell cannot run here, or null when it can.</summary>
    public string? SkipReason(MatrixCell cell) =>
        Reason(cell.A.Address) ?? Reason(cell.B.Address);

    public string? Reason(MatrixAddress address) =>
        address.Needs is { } needs && _missing.TryGetValue(needs, out var why) ? why : null;

    private static MatrixCapabilities Find()
    {
        var missing = new Dictionary<string, string>(StringComparer.Ordinal);
        var second = TryBind(IPAddress.Parse("127.0.0.2"), leaveV6OnlyDefault: true);
        if (!second.Succeeded)
        {
            missing[SecondLoopback] = $"127.0.0.2 cannot be bound on this machine ({second.Code}); on macOS, lo0 has only 127.0.0.1 unless an alias is added";
        }

        var ipv6 = TryBind(IPAddress.IPv6Loopback, leaveV6OnlyDefault: false);
        if (ipv6.Succeeded)
        {
            ipv6 = TryBind(IPAddress.Parse("::ffff:127.0.0.1"), leaveV6OnlyDefault: false);
        }

        if (!ipv6.Succeeded)
        {
            missing[IPv6] = $"this machine cannot bind an IPv6 loopback or a dual-stack socket ({ipv6.Code})";
        }

        return new MatrixCapabilities(missing);
    }

    /// <summary>
    /// A UDP socket binds port 0 on the address; on IPv6, with IPV6_V6ONLY set to 0 or left at the OS default. The one
    /// "can this machine bind that address" check, for the matrix and the claims' capabilities.
    /// </summary>
    public static Outcome TryBind(IPAddress address, bool leaveV6OnlyDefault)
    {
        var setup = new NativeSetup(Transport.Udp, NativeOptions.None) { LeaveV6OnlyDefault = leaveV6OnlyDefault };
        var outcome = NativeDescriptor.OpenBound(setup, new IPEndPoint(address, 0), out var socket);
        socket.Dispose();
        return outcome;
    }

    public override string ToString() =>
        _missing.Count == 0 ? "everything" : string.Join("; ", _missing.Select(m => $"no {m.Key}: {m.Value}"));
}
