// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SSPToken} from "../SSPToken.sol";

/// @title VoucherMinter (benchmark only, never deployed in production)
/// @notice The usual "signed voucher" pattern, for comparison with ShareMinter's batches: one
/// EIP-712 ShareClaim voucher per claim, one transaction per claim, the signature checked with
/// ECDSA, a used-claim mapping against replay, and a mint to the beneficiary. Signer and rate are
/// immutables (cheaper than storage), so the comparison does not flatter ShareMinter.
contract VoucherMinter is EIP712 {
    struct ShareClaim {
        bytes32 project;
        uint64 seq;
        uint64 resultId;
        uint64 workunitId;
        uint64 userId;
        uint64 hostId;
        address beneficiary;
        uint64 credit;
        bytes32 resultDigest;
        uint64 grantedAt;
    }

    bytes32 public constant SHARE_CLAIM_TYPEHASH = keccak256(
        "ShareClaim(bytes32 project,uint64 seq,uint64 resultId,uint64 workunitId,uint64 userId,uint64 hostId,address beneficiary,uint64 credit,bytes32 resultDigest,uint64 grantedAt)"
    );

    SSPToken public immutable token;
    address public immutable signer;
    uint256 public immutable weiPerMicroCredit;

    mapping(bytes32 project => mapping(uint64 seq => bool)) public claimed;

    error AlreadyClaimed(bytes32 project, uint64 seq);
    error WrongSigner(address recovered);

    event Claimed(bytes32 indexed project, uint64 seq, address beneficiary, uint256 amount);

    constructor(SSPToken token_, address signer_, uint256 weiPerMicroCredit_) EIP712("SmartShare", "1") {
        token = token_;
        signer = signer_;
        weiPerMicroCredit = weiPerMicroCredit_;
    }

    /// @notice Mints one claim's credit × rate to its beneficiary, once.
    function claim(ShareClaim calldata c, bytes calldata signature) external {
        if (claimed[c.project][c.seq]) revert AlreadyClaimed(c.project, c.seq);
        claimed[c.project][c.seq] = true;
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(SHARE_CLAIM_TYPEHASH, c)));
        address recovered = ECDSA.recover(digest, signature);
        if (recovered != signer) revert WrongSigner(recovered);
        uint256 amount = uint256(c.credit) * weiPerMicroCredit;
        token.mint(c.beneficiary, amount);
        emit Claimed(c.project, c.seq, c.beneficiary, amount);
    }
}
