// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @notice A sealed batch of signed ShareClaims, as the ShareMinter's signers sign it (EIP-712,
/// docs/formats.md): the claims with seq firstSeq..lastSeq of one project, their Merkle root, and the
/// hash of what the batch pays.
struct ShareBatch {
    bytes32 project; // keccak256(bytes(master_url))
    uint64 firstSeq; // first claim seq in the batch (gap-free per project, from 1)
    uint64 lastSeq; // last claim seq in the batch, inclusive
    bytes32 claimsRoot; // sorted-pair Merkle root of the claims' EIP-712 struct hashes
    bytes32 payoutsHash; // keccak256(abi.encode(payouts))
    uint64 totalCredit; // sum of the payouts' credit, micro-cobblestones
}

/// @notice The batch's claims summed per beneficiary (one entry per address, sorted ascending).
struct Payout {
    address beneficiary;
    uint64 credit; // micro-cobblestones
}
