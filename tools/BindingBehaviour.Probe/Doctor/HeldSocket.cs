using System.Net;
using BindingBehaviour.Native;

namespace BindingBehaviour.Probe.Doctor;

/// <summary>
/// One socket on this machine bound to the port the doctor looks at, as the OS lists it: protocol, local and remote end
/// point, state (ss(8)'s words: LISTEN, UNCONN, ESTAB, TIME-WAIT ...), the socket's uid where the OS gives it, and its
/// owner where this process may see it; <see cref="OwnerNote"/> says why an owner is missing.
/// <see cref="Inode"/> identifies the socket on Linux (0 for TIME-WAIT), for readers that add what /proc cannot show.
/// </summary>
public sealed record HeldSocket(
    Transport Transport,
    IPEndPoint Local,
    IPEndPoint? Remote,
    string State,
    int? Uid,
    long? Inode,
    int? Pid,
    string? Process,
    string? User,
    string? OwnerNote)
{
    public bool Listening => State == "LISTEN";
}
