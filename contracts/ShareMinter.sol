// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SSPToken} from "./SSPToken.sol";
import {ShareBatch, Payout} from "./ShareTypes.sol";

/// @title ShareMinter
/// @notice Mints SSP for sealed batches of BOINC share claims signed by m of n signers
/// (EIP-712 domain "SmartShare", version "1", this chain, this contract).
/// Replay protection is the per-project claim sequence: a batch must start at nextSeq(project),
/// and minting it moves nextSeq past its last claim (one storage write per batch).
/// Roles: DEFAULT_ADMIN_ROLE sets signers, threshold, rate, batch ceiling, and unpauses;
/// GUARDIAN_ROLE pauses.
contract ShareMinter is EIP712, AccessControl, Pausable {
    // ---------------------------------------------------------------- constants

    /// @notice Role allowed to pause minting.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @notice EIP-712 type hash of ShareBatch (docs/formats.md).
    bytes32 public constant SHARE_BATCH_TYPEHASH = keccak256(
        "ShareBatch(bytes32 project,uint64 firstSeq,uint64 lastSeq,bytes32 claimsRoot,bytes32 payoutsHash,uint64 totalCredit)"
    );

    /// @notice The most SSP (wei) this contract will ever mint: 4,500,000,000 SSP, the 45% of the
    /// supply reserved for mining.
    uint256 public constant MINING_CAP = 4_500_000_000 * 1e18;

    /// @notice The most signers the set can hold.
    uint256 public constant MAX_SIGNERS = 255;

    // ---------------------------------------------------------------- storage

    /// @notice The token this contract mints (it must hold the token's MINTER_ROLE).
    SSPToken public immutable token;

    // These four share one storage slot with Pausable's paused flag, so mintBatch reads its whole
    // configuration with one cold SLOAD and writes it back with one SSTORE.
    uint64 private _rate; // wei per micro-cobblestone, 1 .. 2^64-1
    uint64 private _maxBatchCredit; // per-batch credit ceiling, micro-cobblestones
    uint8 private _threshold; // signatures needed, 1 .. signer count
    uint112 private _totalMinted; // wei minted so far, <= MINING_CAP < 2^112

    mapping(bytes32 project => uint64) private _lastSeq; // 0: no batch yet, nextSeq is 1
    mapping(address signer => uint256) private _signerPos; // 1-based index into _signers, 0: not a signer
    address[] private _signers;

    // ---------------------------------------------------------------- events

    /// @notice A batch was minted: `amount` wei of SSP for `totalCredit` micro-cobblestones.
    event BatchMinted(
        bytes32 indexed project,
        uint64 firstSeq,
        uint64 lastSeq,
        bytes32 claimsRoot,
        uint64 totalCredit,
        uint256 amount
    );
    event SignerAdded(address indexed signer);
    event SignerRemoved(address indexed signer);
    event ThresholdChanged(uint256 oldThreshold, uint256 newThreshold);
    event RateChanged(uint256 oldWeiPerMicroCredit, uint256 newWeiPerMicroCredit);
    event MaxBatchCreditChanged(uint64 oldMaxBatchCredit, uint64 newMaxBatchCredit);

    // ---------------------------------------------------------------- errors

    /// @notice Fewer signatures than the threshold were given.
    error InsufficientSignatures(uint256 given, uint256 threshold);
    /// @notice Signature `index` is not 65 bytes long.
    error InvalidSignatureLength(uint256 index, uint256 length);
    /// @notice Signature `index` has s > n/2 (malleable form; use the low-s form).
    error SignatureHighS(uint256 index, bytes32 s);
    /// @notice Signature `index` recovers to no address (bad v, r or s).
    error InvalidSignature(uint256 index);
    /// @notice Signature `index` recovers to `recovered`, which is not in the signer set
    /// (also the result of a signature made for another chain, contract or batch).
    error NotSigner(uint256 index, address recovered);
    /// @notice Signature `index` is by `signer`, which is not above the previous signature's
    /// signer: signatures must be sorted by signer address, strictly ascending (no signer twice).
    error SignersNotAscending(uint256 index, address signer);
    /// @notice The batch starts at or below a seq already minted for the project.
    error SeqReplayed(bytes32 project, uint64 expectedFirstSeq, uint64 firstSeq);
    /// @notice The batch starts beyond nextSeq(project): claims in between are missing.
    error SeqGap(bytes32 project, uint64 expectedFirstSeq, uint64 firstSeq);
    /// @notice lastSeq < firstSeq, or lastSeq is 2^64-1 (nextSeq would not fit).
    error InvalidSeqRange(uint64 firstSeq, uint64 lastSeq);
    /// @notice keccak256(abi.encode(payouts)) differs from the signed payoutsHash.
    error PayoutsHashMismatch(bytes32 signed, bytes32 computed);
    /// @notice Payout `index` is not above the previous beneficiary (sorted, unique), or is not
    /// a canonical (address, uint64) encoding.
    error PayoutsNotSorted(uint256 index);
    /// @notice The payouts' credits sum to `sum`, not to the batch's totalCredit.
    error TotalCreditMismatch(uint64 totalCredit, uint256 sum);
    /// @notice The batch's totalCredit is above the per-batch ceiling.
    error BatchCreditTooLarge(uint64 totalCredit, uint64 maxBatchCredit);
    /// @notice Minting `amount` would pass the mining cap; only `remaining` is left.
    error MiningCapExceeded(uint256 amount, uint256 remaining);
    /// @notice The token address given to the constructor holds no contract.
    error InvalidToken(address token);
    /// @notice A zero address was given for the admin.
    error ZeroAddress();
    /// @notice The signer address is zero or already in the set.
    error InvalidSigner(address signer);
    /// @notice The address is not in the signer set.
    error UnknownSigner(address signer);
    /// @notice The set would hold more than MAX_SIGNERS signers.
    error TooManySigners();
    /// @notice The threshold must be between 1 and the number of signers.
    error InvalidThreshold(uint256 threshold, uint256 signerCount);
    /// @notice The rate must be between 1 and 2^64-1 wei per micro-cobblestone.
    error InvalidRate(uint256 weiPerMicroCredit);
    /// @notice The per-batch ceiling must be at least 1.
    error InvalidMaxBatchCredit(uint64 maxBatchCredit);

    // ---------------------------------------------------------------- setup

    /// @param token_ the SSPToken (grant this contract its MINTER_ROLE after deployment)
    /// @param admin receives DEFAULT_ADMIN_ROLE
    /// @param guardian receives GUARDIAN_ROLE (zero: none yet)
    /// @param signers_ the initial signer set (any order, no duplicates, no zero address)
    /// @param threshold_ signatures needed per batch, 1 .. signers_.length
    /// @param weiPerMicroCredit_ wei of SSP minted per micro-cobblestone, 1 .. 2^64-1
    /// @param maxBatchCredit_ per-batch credit ceiling, micro-cobblestones, >= 1
    constructor(
        SSPToken token_,
        address admin,
        address guardian,
        address[] memory signers_,
        uint8 threshold_,
        uint256 weiPerMicroCredit_,
        uint64 maxBatchCredit_
    ) EIP712("SmartShare", "1") {
        if (address(token_).code.length == 0) revert InvalidToken(address(token_));
        if (admin == address(0)) revert ZeroAddress();
        token = token_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        if (guardian != address(0)) _grantRole(GUARDIAN_ROLE, guardian);
        for (uint256 i; i < signers_.length; ++i) _addSigner(signers_[i]);
        _setThreshold(threshold_);
        _setRate(weiPerMicroCredit_);
        _setMaxBatchCredit(maxBatchCredit_);
    }

    // ---------------------------------------------------------------- minting

    /// @notice Mints a batch: checks, in this order, not paused; b.firstSeq == nextSeq(b.project);
    /// b.firstSeq <= b.lastSeq < 2^64-1; totalCredit <= the ceiling; the payouts hash; the payouts
    /// sorted and summing to totalCredit; at least `threshold` signatures, all by distinct signers
    /// in ascending address order, over the EIP-712 digest of `b`; the mining cap. Then sets
    /// nextSeq(b.project) = b.lastSeq + 1, mints credit × rate to each payout and emits BatchMinted.
    /// Anyone may submit; the signatures are the authority.
    function mintBatch(ShareBatch calldata b, Payout[] calldata payouts, bytes[] calldata signatures)
        external
        whenNotPaused
    {
        _checkSeq(b.project, b.firstSeq, b.lastSeq);

        uint64 totalCredit = b.totalCredit;
        {
            uint64 ceiling = _maxBatchCredit;
            if (totalCredit > ceiling) revert BatchCreditTooLarge(totalCredit, ceiling);
        }
        uint256 buf = _loadPayouts(b.payoutsHash, payouts, totalCredit);
        _checkSignatures(b, signatures);

        uint256 amount;
        uint64 rate = _rate;
        unchecked {
            uint112 minted = _totalMinted;
            // totalCredit < 2^64 and rate < 2^64: the product is below 2^128.
            amount = uint256(totalCredit) * rate;
            // minted <= MINING_CAP is an invariant, so the subtraction cannot wrap.
            uint256 remaining = MINING_CAP - minted;
            if (amount > remaining) revert MiningCapExceeded(amount, remaining);
            // minted + amount <= MINING_CAP < 2^112.
            _totalMinted = uint112(minted + amount);
        }
        _lastSeq[b.project] = b.lastSeq;

        _mintPayouts(buf, payouts.length, rate);

        emit BatchMinted(b.project, b.firstSeq, b.lastSeq, b.claimsRoot, totalCredit, amount);
    }

    /// Reverts unless firstSeq == nextSeq(project) and firstSeq <= lastSeq < 2^64-1.
    function _checkSeq(bytes32 project, uint64 firstSeq, uint64 lastSeq_) private view {
        uint64 last = _lastSeq[project];
        unchecked {
            // last < 2^64-1 always (lastSeq == 2^64-1 is refused below), so last + 1 cannot wrap.
            if (firstSeq != last + 1) {
                if (firstSeq <= last) revert SeqReplayed(project, last + 1, firstSeq);
                revert SeqGap(project, last + 1, firstSeq);
            }
        }
        if (lastSeq_ < firstSeq || lastSeq_ == type(uint64).max) revert InvalidSeqRange(firstSeq, lastSeq_);
    }

    /// Copies the payouts into a new memory buffer laid out as the call
    /// token.mintPayouts(payouts, rate) will need it, and reverts unless
    /// keccak256(abi.encode(payouts)) == signedHash and the payouts are sorted by beneficiary,
    /// strictly ascending, with credits summing to totalCredit. Returns the buffer.
    /// Buffer: [0x00] selector (low 4 bytes) [0x20] 0x40 [0x40] rate [0x60] n [0x80] payouts.
    /// While hashing, [0x40] holds 0x20, so [0x40, 0x80 + 64n) is exactly abi.encode(payouts).
    function _loadPayouts(bytes32 signedHash, Payout[] calldata payouts, uint64 totalCredit)
        private
        pure
        returns (uint256 buf)
    {
        uint256 n = payouts.length;
        bytes32 computed;
        uint256 sum;
        uint256 bad = type(uint256).max;
        assembly ("memory-safe") {
            buf := mload(0x40)
            let size := shl(6, n)
            mstore(0x40, add(buf, add(0x80, size)))
            mstore(add(buf, 0x40), 0x20)
            mstore(add(buf, 0x60), n)
            let elems := add(buf, 0x80)
            calldatacopy(elems, payouts.offset, size)
            computed := keccak256(add(buf, 0x40), add(size, 0x40))
            // n < 2^64 entries (the ABI decoder's bound) of credit < 2^64 each: sum < 2^128.
            let prev := 0
            let end := add(elems, size)
            for { let p := elems } lt(p, end) { p := add(p, 0x40) } {
                let a := mload(p)
                let c := mload(add(p, 0x20))
                // Must be above the previous address, and both words canonical.
                if or(iszero(gt(a, prev)), or(shr(160, a), shr(64, c))) {
                    bad := shr(6, sub(p, elems))
                    break
                }
                prev := a
                sum := add(sum, c)
            }
        }
        if (computed != signedHash) revert PayoutsHashMismatch(signedHash, computed);
        if (bad != type(uint256).max) revert PayoutsNotSorted(bad);
        if (sum != totalCredit) revert TotalCreditMismatch(totalCredit, sum);
    }

    /// Calls token.mintPayouts(payouts, rate) with the buffer from _loadPayouts, passing on
    /// the token's revert data if it fails.
    function _mintPayouts(uint256 buf, uint256 n, uint64 rate) private {
        address t = address(token);
        bytes4 sel = SSPToken.mintPayouts.selector;
        assembly ("memory-safe") {
            mstore(buf, shr(224, sel))
            mstore(add(buf, 0x20), 0x40)
            mstore(add(buf, 0x40), rate)
            if iszero(call(gas(), t, 0, add(buf, 0x1c), add(0x64, shl(6, n)), 0, 0)) {
                let m := mload(0x40)
                returndatacopy(m, 0, returndatasize())
                revert(m, returndatasize())
            }
        }
    }

    /// Reverts unless `signatures` holds at least `threshold` valid low-s signatures over the
    /// batch's EIP-712 digest, each by a signer, sorted by signer address strictly ascending.
    function _checkSignatures(ShareBatch calldata b, bytes[] calldata signatures) private view {
        uint256 nsig = signatures.length;
        uint256 threshold_ = _threshold;
        if (nsig < threshold_) revert InsufficientSignatures(nsig, threshold_);

        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(SHARE_BATCH_TYPEHASH, b)));
        address prev;
        for (uint256 i; i < nsig; ) {
            bytes calldata sig = signatures[i];
            if (sig.length != 65) revert InvalidSignatureLength(i, sig.length);
            bytes32 r;
            bytes32 s;
            uint8 v;
            assembly ("memory-safe") {
                r := calldataload(sig.offset)
                s := calldataload(add(sig.offset, 0x20))
                v := byte(0, calldataload(add(sig.offset, 0x40)))
            }
            (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(digest, v, r, s);
            if (err != ECDSA.RecoverError.NoError) {
                if (err == ECDSA.RecoverError.InvalidSignatureS) revert SignatureHighS(i, s);
                revert InvalidSignature(i);
            }
            if (_signerPos[signer] == 0) revert NotSigner(i, signer);
            if (signer <= prev) revert SignersNotAscending(i, signer);
            prev = signer;
            unchecked {
                ++i;
            }
        }
    }

    // ---------------------------------------------------------------- views

    /// @notice The seq the next batch of `project` must start at (1 before any batch).
    function nextSeq(bytes32 project) external view returns (uint64) {
        unchecked {
            return _lastSeq[project] + 1;
        }
    }

    /// @notice The last claim seq minted for `project` (0 before any batch).
    function lastSeq(bytes32 project) external view returns (uint64) {
        return _lastSeq[project];
    }

    /// @notice Wei of SSP minted per micro-cobblestone.
    function weiPerMicroCredit() external view returns (uint256) {
        return _rate;
    }

    /// @notice The per-batch credit ceiling, micro-cobblestones.
    function maxBatchCredit() external view returns (uint64) {
        return _maxBatchCredit;
    }

    /// @notice Signatures needed per batch.
    function threshold() external view returns (uint8) {
        return _threshold;
    }

    /// @notice Wei of SSP minted by this contract so far.
    function totalMinted() external view returns (uint256) {
        return _totalMinted;
    }

    /// @notice Wei of SSP this contract may still mint under the mining cap.
    function remainingMiningCap() external view returns (uint256) {
        return MINING_CAP - _totalMinted;
    }

    /// @notice Whether `account` is in the signer set.
    function isSigner(address account) external view returns (bool) {
        return _signerPos[account] != 0;
    }

    /// @notice The signer set (no particular order).
    function signers() external view returns (address[] memory) {
        return _signers;
    }

    /// @notice The EIP-712 domain separator of this contract on this chain.
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @notice The EIP-712 digest the signers sign for batch `b`.
    function batchDigest(ShareBatch calldata b) external view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(SHARE_BATCH_TYPEHASH, b)));
    }

    // ---------------------------------------------------------------- administration

    /// @notice Adds `signer` to the set.
    function addSigner(address signer) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _addSigner(signer);
    }

    /// @notice Removes `signer` from the set; the threshold must stay reachable.
    function removeSigner(address signer) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 pos = _signerPos[signer];
        if (pos == 0) revert UnknownSigner(signer);
        uint256 count = _signers.length;
        if (count - 1 < _threshold) revert InvalidThreshold(_threshold, count - 1);
        address moved = _signers[count - 1];
        _signers[pos - 1] = moved;
        _signerPos[moved] = pos;
        _signers.pop();
        delete _signerPos[signer];
        emit SignerRemoved(signer);
    }

    /// @notice Sets the number of signatures needed per batch (1 .. signer count).
    function setThreshold(uint8 newThreshold) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setThreshold(newThreshold);
    }

    /// @notice Sets the wei of SSP minted per micro-cobblestone (1 .. 2^64-1).
    function setRate(uint256 newWeiPerMicroCredit) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setRate(newWeiPerMicroCredit);
    }

    /// @notice Sets the per-batch credit ceiling (>= 1 micro-cobblestone).
    function setMaxBatchCredit(uint64 newMaxBatchCredit) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMaxBatchCredit(newMaxBatchCredit);
    }

    /// @notice Stops minting (guardian).
    function pause() external onlyRole(GUARDIAN_ROLE) {
        _pause();
    }

    /// @notice Resumes minting (admin).
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    function _addSigner(address signer) private {
        if (signer == address(0) || _signerPos[signer] != 0) revert InvalidSigner(signer);
        if (_signers.length >= MAX_SIGNERS) revert TooManySigners();
        _signers.push(signer);
        _signerPos[signer] = _signers.length;
        emit SignerAdded(signer);
    }

    function _setThreshold(uint256 newThreshold) private {
        uint256 count = _signers.length;
        if (newThreshold == 0 || newThreshold > count) revert InvalidThreshold(newThreshold, count);
        emit ThresholdChanged(_threshold, newThreshold);
        _threshold = uint8(newThreshold);
    }

    function _setRate(uint256 newRate) private {
        if (newRate == 0 || newRate > type(uint64).max) revert InvalidRate(newRate);
        emit RateChanged(_rate, newRate);
        _rate = uint64(newRate);
    }

    function _setMaxBatchCredit(uint64 newMax) private {
        if (newMax == 0) revert InvalidMaxBatchCredit(newMax);
        emit MaxBatchCreditChanged(_maxBatchCredit, newMax);
        _maxBatchCredit = newMax;
    }
}
