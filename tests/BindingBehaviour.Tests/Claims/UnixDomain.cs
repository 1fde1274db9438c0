using System.Net.Sockets;
using BindingBehaviour.Native;
using BindingBehaviour.Tests.Infrastructure;
using Xunit.Abstractions;
using static BindingBehaviour.Sources;

namespace BindingBehaviour.Tests.Claims;

// Topic 13: Unix domain sockets, whose address is a file (or, on Linux, an abstract name). Every path is a fresh file
// name in the temp directory, deleted when the claim ends; every abstract name is fresh too.

[Claim("unix-path-rebind-while-bound", "unix-domain",
    "Two Unix domain sockets cannot bind one path: while the first holds it, the second bind is refused as address in use.")]
public sealed class Unix_path_rebind_while_bound(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        UnixMan + ", EADDRINUSE: \"the filesystem socket object already exists\"; " + LinuxAfUnix + ", unix_bind_bsd() "
            + "creates the file with mknod, which fails when it exists")]
    [Expect(Os.Windows, "bind:AddressAlreadyInUse",
        MicrosoftAfUnix + ": a bound path is a file on disk (a reparse point) that must not exist yet")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse", XnuUipcUsrreq + ", unp_bind(): the vnode exists, so EADDRINUSE")]
    [Needs(Capability.UnixDomainSockets)]
    public void Native()
    {
        using var file = new UnixSocketFile();
        using var first = NativeUnixSocket.Open();
        first.Bind(file.Path).OrThrow("The first bind");
        first.Listen().OrThrow("The listen");

        using var second = NativeUnixSocket.Open();
        Observe(second.Bind(file.Path));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        UnixMan + ", EADDRINUSE for an existing socket file; .NET binds the UnixDomainSocketEndPoint's path unchanged")]
    [Expect(Os.Windows, "bind:AddressAlreadyInUse", MicrosoftAfUnix + ": the path must not exist yet")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse", XnuUipcUsrreq + ", unp_bind(): EADDRINUSE for an existing vnode")]
    [Needs(Capability.UnixDomainSockets)]
    public void Managed()
    {
        using var file = new UnixSocketFile();
        using var first = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        first.Bind(new UnixDomainSocketEndPoint(file.Path));
        first.Listen();

        using var second = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        Observe(ManagedCall.Try(Step.Bind, () => second.Bind(new UnixDomainSocketEndPoint(file.Path))));
    }
}

[Claim("unix-path-file-outlives-socket", "unix-domain",
    "Closing a Unix domain socket bound to a path leaves its file behind: the OS never deletes it. .NET does, when the "
        + "Socket that bound it is disposed.")]
public sealed class Unix_path_file_outlives_socket(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "file present after close",
        UnixMan + ": binding a filename \"creates a socket in the filesystem that must be deleted by the caller when "
            + "it is no longer needed (using unlink(2))\"")]
    [Expect(Os.Windows, "file present after close", MicrosoftAfUnix + ": the socket file stays until it is deleted")]
    [Expect(Os.MacOS, "file present after close",
        XnuUipcUsrreq + ": unp_bind() creates a VSOCK vnode and unp_detach() releases it without unlinking the name")]
    [Needs(Capability.UnixDomainSockets)]
    public void Native()
    {
        using var file = new UnixSocketFile();
        using (var socket = NativeUnixSocket.Open())
        {
            socket.Bind(file.Path).OrThrow("The bind");
            socket.Listen().OrThrow("The listen");
        }

        ObserveValue($"file {(File.Exists(file.Path) ? "present" : "gone")} after close");
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "file gone after Dispose",
        DotNetSocket + ", DoBind: \"For UnixDomainSocketEndPoint, track the file to delete on Dispose\"; "
            + "dotnet/runtime UnixDomainSocketEndPoint.cs, BoundFileName")]
    [Expect(Os.Windows, "file gone after Dispose",
        "dotnet/runtime UnixDomainSocketEndPoint.cs: BoundFileName and CreateBoundEndPoint() are shared by every OS, "
            + "and " + DotNetSocket + " deletes it on Dispose")]
    [Expect(Os.MacOS, "file gone after Dispose", DotNetSocket + ", DoBind and Dispose: the same managed code on every OS")]
    [Needs(Capability.UnixDomainSockets)]
    public void Managed()
    {
        using var file = new UnixSocketFile();
        using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            socket.Bind(new UnixDomainSocketEndPoint(file.Path));
            socket.Listen();
        }

        ObserveValue($"file {(File.Exists(file.Path) ? "present" : "gone")} after Dispose");
    }
}

[Claim("unix-stale-path-blocks-bind", "unix-domain",
    "A socket file left behind blocks its path: binding it again is refused as address in use until someone unlinks "
        + "the file, even though no socket holds it any more. In .NET the rebind just works, because Dispose deleted "
        + "the file.")]
public sealed class Unix_stale_path_blocks_bind(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        UnixMan + ": EADDRINUSE when the filesystem socket object exists, whoever made it; " + LinuxAfUnix
            + ", unix_bind_bsd()")]
    [Expect(Os.Windows, "bind:AddressAlreadyInUse", MicrosoftAfUnix + ": the file must be deleted before the path can be bound again")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse", XnuUipcUsrreq + ", unp_bind(): the old vnode still exists")]
    [Needs(Capability.UnixDomainSockets)]
    public void Native()
    {
        using var file = new UnixSocketFile();
        using (var old = NativeUnixSocket.Open())
        {
            old.Bind(file.Path).OrThrow("The first bind");
            old.Listen().OrThrow("The listen");
        }

        using var again = NativeUnixSocket.Open();
        var refused = again.Bind(file.Path);

        File.Delete(file.Path);
        using var afterUnlink = NativeUnixSocket.Open();
        afterUnlink.Bind(file.Path).OrThrow("A bind after unlink");
        Observe(refused, "after unlink the bind succeeded");
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok", DotNetSocket + ": Dispose deletes the file the Socket bound, so nothing is left to block the path")]
    [Expect(Os.Windows, "ok", DotNetSocket + ": Dispose deletes the bound file on every OS")]
    [Expect(Os.MacOS, "ok", DotNetSocket + ": Dispose deletes the bound file on every OS")]
    [Needs(Capability.UnixDomainSockets)]
    public void Managed()
    {
        using var file = new UnixSocketFile();
        using (var old = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            old.Bind(new UnixDomainSocketEndPoint(file.Path));
            old.Listen();
        }

        using var again = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        Observe(ManagedCall.Try(Step.Bind, () => again.Bind(new UnixDomainSocketEndPoint(file.Path))));
    }
}

[Claim("unix-stale-path-refuses-connect", "unix-domain",
    "Connecting to a socket file whose socket has closed is refused, as connecting to a closed TCP port is: the file "
        + "remains, but nobody listens behind it.")]
public sealed class Unix_stale_path_refuses_connect(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "connect:ConnectionRefused",
        UnixMan + ", ECONNREFUSED: \"The remote address specified by connect(2) was not a listening socket\"; "
            + LinuxAfUnix + ", unix_find_bsd() finds the inode but no socket")]
    [Expect(Os.Windows, "connect:ConnectionRefused",
        MicrosoftAfUnix + ": connecting to a path nobody listens on fails like a refused TCP connect "
            + "(WSAECONNREFUSED); unverified")]
    [Expect(Os.MacOS, "connect:ConnectionRefused",
        XnuUipcUsrreq + ", unp_connect(): the vnode has no socket (v_socket == 0), so ECONNREFUSED")]
    [Needs(Capability.UnixDomainSockets)]
    public void Native()
    {
        using var file = new UnixSocketFile();
        using (var old = NativeUnixSocket.Open())
        {
            old.Bind(file.Path).OrThrow("The bind");
            old.Listen().OrThrow("The listen");
        }

        using var client = NativeUnixSocket.Open();
        Observe(client.Connect(file.Path), $"the file is {(File.Exists(file.Path) ? "still there" : "gone")}");
    }
}

[Claim("linux-abstract-names-vanish-on-close", "unix-domain",
    "A Linux abstract name (a path starting with a NUL byte) makes no file: it is taken while its socket is open and "
        + "free again the moment the socket closes, with nothing to unlink. macOS has no abstract names.")]
public sealed class Linux_abstract_names_vanish_on_close(ITestOutputHelper output) : ClaimTest(output)
{
    private const string Linux = "while bound: bind:AddressAlreadyInUse; after close: ok";

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, Linux,
        UnixMan + ": \"Abstract sockets automatically disappear when all open references to the socket are closed\"; "
            + LinuxAfUnix + ", unix_bind_abstract()")]
    [Expect(Os.Windows, Linux + " | bind:InvalidArgument",
        "Sources disagree: " + MicrosoftAfUnix + " lists abstract addresses, while Wine's AF_UNIX notes say abstract "
            + "sockets are not fully supported, matching Windows")]
    [Expect(Os.MacOS, "n/a", AbstractIsLinuxOnly)]
    [Needs(Capability.UnixDomainSockets)]
    public void Native()
    {
        var name = UnixPaths.FreshAbstract();

        string whileBound;
        using (var first = NativeUnixSocket.Open())
        {
            var bound = first.Bind(name);
            if (!bound.Succeeded)
            {
                Observe(bound);
                return;
            }

            using var second = NativeUnixSocket.Open();
            whileBound = second.Bind(name).Code;
        }

        using var third = NativeUnixSocket.Open();
        ObserveValue($"while bound: {whileBound}; after close: {third.Bind(name).Code}");
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, Linux,
        UnixMan + ", abstract namespace; dotnet/runtime UnixDomainSocketEndPoint.cs: a path starting with '\\0' is "
            + "abstract, is sent without a NUL terminator and has no file to delete")]
    [Expect(Os.Windows, Linux + " | bind:InvalidArgument",
        "Sources disagree: " + MicrosoftAfUnix + " lists abstract addresses; Wine's notes say Windows does not fully "
            + "support them")]
    [Expect(Os.MacOS, "n/a", AbstractIsLinuxOnly)]
    [Needs(Capability.UnixDomainSockets)]
    public void Managed()
    {
        var name = new UnixDomainSocketEndPoint(UnixPaths.FreshAbstract());

        string whileBound;
        using (var first = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            var bound = ManagedCall.Try(Step.Bind, () => first.Bind(name));
            if (!bound.Succeeded)
            {
                Observe(bound);
                return;
            }

            using var second = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            whileBound = ManagedCall.Try(Step.Bind, () => second.Bind(name)).Code;
        }

        using var third = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        ObserveValue($"while bound: {whileBound}; after close: {ManagedCall.Try(Step.Bind, () => third.Bind(name)).Code}");
    }
}

/// <summary>
/// A fresh path in the temp directory (short enough for macOS's 104 bytes) for a socket file, deleted on Dispose if it
/// is there.
/// </summary>
internal sealed class UnixSocketFile : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"bb-{Guid.NewGuid():N}"[..15] + ".sock");

    public void Dispose() => File.Delete(Path);
}

/// <summary>Fresh abstract names for Unix domain sockets (Linux): no file, so nothing to delete.</summary>
internal static class UnixPaths
{
    public static string FreshAbstract() => "\0" + $"bindingbehaviour-{Guid.NewGuid():N}";
}
