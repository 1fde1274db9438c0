namespace BindingBehaviour;

/// <summary>A chapter of the atlas: one docs page, holding the claims that answer one kind of question.</summary>
public sealed record Topic(string Id, int Order, string Title, string Question)
{
    public static readonly Topic SameProtocol = new(
        "same-protocol", 1, "Same protocol, same address",
        "May two sockets of one protocol bind the same address and port?");

    public static readonly Topic TcpAndUdp = new(
        "tcp-and-udp", 2, "TCP and UDP side by side",
        "May a TCP socket and a UDP socket use the same port, and why?");

    public static readonly Topic WildcardVersusSpecific = new(
        "wildcard-vs-specific", 3, "Wildcard versus specific addresses",
        "Does 0.0.0.0:P collide with 127.0.0.1:P, and do two loopback addresses collide?");

    public static readonly Topic DualStack = new(
        "ipv4-ipv6-dual-stack", 4, "IPv4, IPv6 and dual-stack",
        "When does an IPv6 socket also take the IPv4 port?");

    public static readonly Topic ReuseAddress = new(
        "so-reuseaddr", 5, "SO_REUSEADDR",
        "What does SO_REUSEADDR allow, and whose flag counts?");

    public static readonly Topic ReusePort = new(
        "so-reuseport", 6, "SO_REUSEPORT",
        "Who may join a SO_REUSEPORT group, and who gets the traffic?");

    public static readonly Topic Windows = new(
        "windows", 7, "Windows: port stealing and SO_EXCLUSIVEADDRUSE",
        "How does Winsock decide, and how is a port protected there?");

    public static readonly Topic DotNet = new(
        "dotnet", 8, "What .NET does for you",
        "Which options does .NET set behind your back, and what do its defaults bind?");

    public static readonly Topic Restart = new(
        "restart-time-wait", 9, "Restarting a server",
        "Why does a restarted server get 'address already in use', and how is it avoided?");

    public static readonly Topic Ephemeral = new(
        "ephemeral-ports", 10, "Ephemeral ports",
        "What does port 0 give, from which range, and when does it run out?");

    public static readonly Topic Privileged = new(
        "privileged-ports", 11, "Privileged ports",
        "Who may bind a port below 1024?");

    public static readonly Topic WhoReceives = new(
        "who-receives", 12, "Who receives",
        "When sockets share a port, which of them gets a datagram or a connection?");

    public static readonly Topic UnixDomain = new(
        "unix-domain", 13, "Unix domain sockets",
        "What is left behind by a socket bound to a path, and how is it reused?");

    public static readonly Topic NotYours = new(
        "addresses-not-yours", 14, "Addresses that are not yours",
        "May a socket bind an address this machine does not have?");

    public static readonly Topic LinuxEnvironments = new(
        "linux-environments", 15, "Where and as whom: namespaces, sysctls and users",
        "Does the answer change with the network namespace a process runs in, its sysctls, and the user it runs as?");

    public static readonly Topic KernelTables = new(
        "kernel-tables", 16, "The kernel's own tables",
        "Is there a slot per (port, protocol) pair? What do the kernel's socket tables hold, read from its memory?");

    public static IReadOnlyList<Topic> All { get; } =
    [
        SameProtocol, TcpAndUdp, WildcardVersusSpecific, DualStack, ReuseAddress, ReusePort, Windows,
        DotNet, Restart, Ephemeral, Privileged, WhoReceives, UnixDomain, NotYours, LinuxEnvironments, KernelTables,
    ];

    public static Topic? Find(string id) => All.FirstOrDefault(t => t.Id == id);

    /// <summary>The topic's page in the generated docs, from docs/: <c>topics/05-so-reuseaddr.md</c>.</summary>
    public string PagePath => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"topics/{Order:D2}-{Id}.md");
}
