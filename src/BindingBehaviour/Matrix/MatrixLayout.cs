using BindingBehaviour.Native;

namespace BindingBehaviour.Matrix;

/// <summary>
/// Which cells the matrix has on an OS and layer, in the fixed order the TSV is written in, so that an export is
/// deterministic and two OSes' exports can be compared with <c>diff</c>:
/// <list type="number">
/// <item>protocol pairs: tcp→tcp, tcp→udp, udp→tcp, udp→udp;</item>
/// <item>then socket A's configuration, then socket B's, each ordered by address (as <see cref="MatrixAddress.All"/>
/// lists them), then for IPv6 addresses without then with V6ONLY (managed: without then with DualMode), then options,
/// then state (bound, then listening; TCP only).</item>
/// </list>
/// Options per socket: natively none, REUSEADDR, REUSEPORT, both on Linux and macOS; none, REUSEADDR, EXCLUSIVEADDRUSE on
/// Windows (no SO_REUSEPORT; REUSEADDR with EXCLUSIVEADDRUSE is refused by setsockopt itself, WSAEINVAL, so it is no bind
/// scenario). Managed: none, ReuseAddress, ExclusiveAddressUse on every OS.
/// On Linux natively: 88 TCP and 44 UDP configurations, 88×88 + 2×88×44 + 44×44 = 17,424 cells.
/// </summary>
public sealed class MatrixLayout
{
    public static readonly IReadOnlyList<(Transport A, Transport B)> ProtocolPairs =
    [
        (Transport.Tcp, Transport.Tcp),
        (Transport.Tcp, Transport.Udp),
        (Transport.Udp, Transport.Tcp),
        (Transport.Udp, Transport.Udp),
    ];

    private MatrixLayout(Os os, Layer layer)
    {
        Os = os;
        Layer = layer;
        OptionSets = OptionSetsFor(os, layer);
        TcpConfigs = Configs(Transport.Tcp);
        UdpConfigs = Configs(Transport.Udp);

        var cells = new List<MatrixCell>();
        foreach (var (a, b) in ProtocolPairs)
        {
            foreach (var configA in ConfigsOf(a))
            {
                foreach (var configB in ConfigsOf(b))
                {
                    cells.Add(new MatrixCell(cells.Count, configA, configB));
                }
            }
        }

        Cells = cells;
    }

    public Os Os { get; }

    public Layer Layer { get; }

    /// <summary>The option sets of one socket before the IPv6 variant (V6ONLY or DualMode) is added.</summary>
    public IReadOnlyList<int> OptionSets { get; }

    public IReadOnlyList<MatrixConfig> TcpConfigs { get; }

    public IReadOnlyList<MatrixConfig> UdpConfigs { get; }

    public IReadOnlyList<MatrixCell> Cells { get; }

    public static MatrixLayout For(Os os, Layer layer) => Cache[((int)os * 2) + (int)layer];

    private static readonly MatrixLayout[] Cache =
        [.. Enum.GetValues<Os>().SelectMany(os => Enum.GetValues<Layer>().Select(layer => (os, layer)))
            .OrderBy(p => ((int)p.os * 2) + (int)p.layer)
            .Select(p => new MatrixLayout(p.os, p.layer))];

    public IReadOnlyList<MatrixConfig> ConfigsOf(Transport transport) => transport == Transport.Tcp ? TcpConfigs : UdpConfigs;

    /// <summary>The flag that makes the IPv6 variant in this layer: V6ONLY natively, DualMode in .NET.</summary>
    public int IPv6VariantFlag => IPv6Variant(Layer);

    public static int IPv6Variant(Layer layer) => layer == Layer.Native ? (int)NativeOptions.V6Only : (int)ManagedOptions.DualMode;

    /// <summary>The 0-based index of a configuration in its protocol's list, or -1.</summary>
    public int IndexOf(MatrixConfig config)
    {
        var list = ConfigsOf(config.Transport);
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == config)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The cell of two configurations, or null when this layout has no such cell.</summary>
    public MatrixCell? Find(MatrixConfig a, MatrixConfig b)
    {
        var ia = IndexOf(a);
        var ib = IndexOf(b);
        if (ia < 0 || ib < 0)
        {
            return null;
        }

        var offset = 0;
        foreach (var (pa, pb) in ProtocolPairs)
        {
            if (pa == a.Transport && pb == b.Transport)
            {
                return Cells[offset + (ia * ConfigsOf(pb).Count) + ib];
            }

            offset += ConfigsOf(pa).Count * ConfigsOf(pb).Count;
        }

        return null;
    }

    private static int[] OptionSetsFor(Os os, Layer layer) => (os, layer) switch
    {
        (_, Layer.Managed) => [(int)ManagedOptions.None, (int)ManagedOptions.ReuseAddress, (int)ManagedOptions.ExclusiveAddressUse],
        (Os.Windows, Layer.Native) => [(int)NativeOptions.None, (int)NativeOptions.ReuseAddress, (int)NativeOptions.ExclusiveAddressUse],
        _ => [(int)NativeOptions.None, (int)NativeOptions.ReuseAddress, (int)NativeOptions.ReusePort, (int)(NativeOptions.ReuseAddress | NativeOptions.ReusePort)],
    };

    private MatrixConfig[] Configs(Transport transport)
    {
        var configs = new List<MatrixConfig>();
        foreach (var address in MatrixAddress.All)
        {
            int[] variants = address.IsIPv6 ? [0, IPv6VariantFlag] : [0];
            foreach (var variant in variants)
            {
                foreach (var options in OptionSets)
                {
                    configs.Add(new MatrixConfig(transport, address, options | variant, false));
                    if (transport == Transport.Tcp)
                    {
                        configs.Add(new MatrixConfig(transport, address, options | variant, true));
                    }
                }
            }
        }

        return [.. configs];
    }
}
