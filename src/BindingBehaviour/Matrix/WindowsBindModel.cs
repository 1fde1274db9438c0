using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Native;

namespace BindingBehaviour.Matrix;

/// <summary>
/// Windows, from Microsoft's documentation: "Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE" (MicrosoftDocs/win32
/// desktop-src/WinSock/using-so-reuseaddr-and-so-exclusiveaddruse.md), the Server 2003-and-later table for two sockets of
/// the same user (re-typed as data below), and "Dual-Stack Sockets for IPv6 Winsock Applications"
/// for IPv6, corrected where Wine's conformance test (which runs on real Windows) asserts otherwise. Not yet observed
/// by our own run: the Windows CI run settles it.
/// </summary>
public sealed class WindowsBindModel : BindModel
{
    public static readonly WindowsBindModel Instance = new();

    private const char Ok = 'S';
    private const char InUse = 'U';
    private const char Access = 'A';

    /// <summary>
    /// Rows: the first bind; columns: the second. Order: Default-Wildcard, Default-Specific, REUSEADDR-W, REUSEADDR-S,
    /// EXCLUSIVEADDRUSE-W, EXCLUSIVEADDRUSE-S. S = success, U = WSAEADDRINUSE (10048), A = WSAEACCES (10013).
    /// "Specific" against "specific" means the same address; two different specific addresses never conflict.
    /// </summary>
    private static readonly string[] SameUserTable =
    [
        "USASUS", // Default-W
        "SUSAUU", // Default-S
        "USSSUS", // REUSEADDR-W
        "SUSSUU", // REUSEADDR-S
        "UAAAUA", // EXCLUSIVEADDRUSE-W
        "SUSAUU", // EXCLUSIVEADDRUSE-S
    ];

    private WindowsBindModel()
    {
    }

    public override Os Os => Os.Windows;

    public override string Title => "Windows: Microsoft's SO_REUSEADDR / SO_EXCLUSIVEADDRUSE tables (same user, Server 2003 and later)";

    public override NativeOptions Supported => NativeOptions.ReuseAddress | NativeOptions.ExclusiveAddressUse | NativeOptions.V6Only;

    public override string Description => """
        **Windows** follows Microsoft's published table for two sockets of the same user (Windows Server 2003 and later,
        "enhanced socket security"). Each bind is a *default*, *SO_REUSEADDR* or *SO_EXCLUSIVEADDRUSE* bind to a
        *wildcard* or a *specific* address; the table gives the second bind's answer for every pair:

        | first \ second | Default W | Default S | REUSEADDR W | REUSEADDR S | EXCL W | EXCL S |
        |---|---|---|---|---|---|---|
        | Default W | INUSE | ok | ACCESS | ok | INUSE | ok |
        | Default S | ok | INUSE | ok | ACCESS | INUSE | INUSE |
        | REUSEADDR W | INUSE | ok | ok | ok | INUSE | ok |
        | REUSEADDR S | ok | INUSE | ok | ok | INUSE | INUSE |
        | EXCL W | INUSE | ACCESS | ACCESS | ACCESS | INUSE | ACCESS |
        | EXCL S | ok | INUSE | ok | ACCESS | INUSE | INUSE |

        (INUSE = WSAEADDRINUSE 10048, `AddressAlreadyInUse`; ACCESS = WSAEACCES 10013, `AccessDenied`.) Unlike Linux and
        macOS, a default wildcard and a default specific bind coexist, in either order; taking over an identical binding
        with SO_REUSEADDR needs the first socket to have set it too.

        IPv6 ("Dual-Stack Sockets for IPv6 Winsock Applications"): a dual-stack socket (IPV6_V6ONLY=0) bound to `[::]`
        reserves the port on both the IPv4 and the IPv6 stack; a V6ONLY `[::]` and `[::1]` reserve IPv6 only; a
        v4-mapped address on a dual-stack socket is its IPv4 address (`[::ffff:0.0.0.0]` is the IPv4 wildcard); a
        v4-mapped address on an IPv6-only socket fails (modelled as `AddressNotAvailable`, the exact code is
        unverified). **Where the run answers, the run wins over the page:** Wine's conformance test `test_reuseaddr`
        (`tests_exclusive[]`, plain `ok()` checks that hold on the Windows versions of the WineHQ test bot) shows that
        the IPv4 half of a dual-stack `[::]` is weaker than an AF_INET `0.0.0.0`: beside it, `0.0.0.0` counts as the
        *specific* bind of the table. So a default `[::]` and a default `0.0.0.0` coexist (Microsoft's page and the
        table would say WSAEADDRINUSE), an exclusive `[::]` refuses `0.0.0.0` with WSAEACCES, and a default `[::]`
        lets an exclusive `0.0.0.0` in; the other order (`0.0.0.0` first) follows by the same rule and is not yet
        attested. Windows has no SO_REUSEPORT, and SO_REUSEADDR with SO_EXCLUSIVEADDRUSE on one socket is refused by
        setsockopt (WSAEINVAL, also asserted by Wine's test). The listen state is not in the table and is not
        modelled (Winsock may report a wildcard conflict late, at listen; Wine's test shows a wildcard and a specific
        listener coexisting). TCP and UDP have separate port spaces.

        Sources: Microsoft Learn "Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE" (2018 page, table for Server 2003 and later,
        same user); "Dual-Stack Sockets for IPv6 Winsock Applications"; the Winsock `bind` and error-code references;
        wine-mirror/wine dlls/ws2_32/tests/sock.c at 3379ee2e, `test_reuseaddr()` (results/attestations.json lists
        each row it asserts). Not yet from our own Windows run: trio's notes (python-trio/trio notes-to-self) found
        parts of the older tables wrong.
        """;

    public override CellOutcome Bind(SocketSpec socket, IReadOnlyList<SocketSpec> bound)
    {
        if (socket.ReuseAddress && socket.ExclusiveAddressUse)
        {
            return CellOutcome.Refused(Step.SetOption, SocketError.InvalidArgument);
        }

        if (socket.V6Only && IsV4Mapped(socket.Address))
        {
            return CellOutcome.Refused(Step.Bind, SocketError.AddressNotAvailable);
        }

        foreach (var first in bound)
        {
            if (first.Transport != socket.Transport)
            {
                continue;
            }

            foreach (var (stack, address, dual) in Reservations(socket))
            {
                foreach (var (stack1, address1, dual1) in Reservations(first))
                {
                    if (stack != stack1 || !Overlap(address, address1))
                    {
                        continue;
                    }

                    // Beside the IPv4 half of a dual-stack [::], an AF_INET 0.0.0.0 counts as the more specific bind
                    // (Wine's tests_exclusive[] rows 10, 11 and 14, asserted on Windows; results/attestations.json).
                    var answer = SameUserTable[Kind(first, address1, wildcard: IsWildcard(address1) && (dual1 || !dual))]
                        [Kind(socket, address, wildcard: IsWildcard(address) && (dual || !dual1))];
                    if (answer == InUse)
                    {
                        return CellOutcome.Refused(Step.Bind, SocketError.AddressAlreadyInUse);
                    }

                    if (answer == Access)
                    {
                        return CellOutcome.Refused(Step.Bind, SocketError.AccessDenied);
                    }
                }
            }
        }

        return CellOutcome.Ok;
    }

    public override CellOutcome Listen(SocketSpec socket, IReadOnlyList<SocketSpec> others) =>
        socket.Transport == Transport.Udp ? CellOutcome.Refused(Step.Listen, SocketError.OperationNotSupported) : CellOutcome.Ok;

    /// <summary>The table's row or column: (default, SO_REUSEADDR, SO_EXCLUSIVEADDRUSE) × (wildcard, specific).</summary>
    private static int Kind(SocketSpec socket, IPAddress address, bool wildcard) =>
        ((socket.ExclusiveAddressUse ? 2 : socket.ReuseAddress ? 1 : 0) * 2) + (wildcard ? 0 : 1);

    private static bool Overlap(IPAddress a, IPAddress b) => a.Equals(b) || IsWildcard(a) || IsWildcard(b);

    /// <summary>
    /// What a socket reserves on each stack: 4 for IPv4, 6 for IPv6, with the address it holds there, and whether the
    /// reservation is the IPv4 half of a dual-stack <c>[::]</c>.
    /// </summary>
    private static IEnumerable<(int Stack, IPAddress Address, bool DualStackHalf)> Reservations(SocketSpec socket)
    {
        if (!socket.IsIPv6)
        {
            yield return (4, socket.Address, false);
        }
        else if (IsV4Mapped(socket.Address))
        {
            yield return (4, socket.Address.MapToIPv4(), false);
        }
        else
        {
            yield return (6, socket.Address, false);
            if (!socket.V6Only && socket.Address.Equals(IPAddress.IPv6Any))
            {
                yield return (4, IPAddress.Any, true);
            }
        }
    }
}
