using System.Net;
using System.Net.Sockets;

namespace BindingBehaviour.Matrix;

/// <summary>One of the seven addresses the matrix binds, written exactly as the TSV writes it.</summary>
public sealed class MatrixAddress
{
    private MatrixAddress(int index, string text, IPAddress address, string? needs)
    {
        Index = index;
        Text = text;
        Address = address;
        Needs = needs;
    }

    public int Index { get; }

    /// <summary>As the TSV writes it: <c>0.0.0.0</c>, <c>[::1]</c>, ...</summary>
    public string Text { get; }

    public IPAddress Address { get; }

    /// <summary>The capability this address needs beyond IPv4 loopback, or null.</summary>
    public string? Needs { get; }

    public bool IsIPv6 => Address.AddressFamily == AddressFamily.InterNetworkV6;

    public AddressFamily Family => Address.AddressFamily;

    public static IReadOnlyList<MatrixAddress> All { get; } =
    [
        new(0, "0.0.0.0", IPAddress.Any, null),
        new(1, "127.0.0.1", IPAddress.Loopback, null),
        new(2, "127.0.0.2", IPAddress.Parse("127.0.0.2"), MatrixCapabilities.SecondLoopback),
        new(3, "[::]", IPAddress.IPv6Any, MatrixCapabilities.IPv6),
        new(4, "[::1]", IPAddress.IPv6Loopback, MatrixCapabilities.IPv6),
        new(5, "[::ffff:0.0.0.0]", IPAddress.Parse("::ffff:0.0.0.0"), MatrixCapabilities.IPv6),
        new(6, "[::ffff:127.0.0.1]", IPAddress.Parse("::ffff:127.0.0.1"), MatrixCapabilities.IPv6),
    ];

    public static MatrixAddress? Parse(string text) => All.FirstOrDefault(a => a.Text == text);

    public override string ToString() => Text;
}
