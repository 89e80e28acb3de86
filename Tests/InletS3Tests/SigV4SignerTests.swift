import Foundation
import InletS3
import Testing

/// The signing examples of the S3 documentation ("Signature Calculations for the Authorization
/// Header"), with their published signatures.
@Suite("SigV4 signing")
struct SigV4SignerTests {
    private let signer = SigV4Signer(
        credentials: S3Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1")
    private let date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z
    private let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    private func authorization(_ method: String, _ url: String, headers: [(String, String)] = [], payloadHash: String) -> String? {
        signer.signedHeaders(method: method, url: URL(string: url)!, headers: headers, payloadHash: payloadHash, date: date)
            .first { $0.0 == "Authorization" }?.1
    }

    @Test func getObjectWithARange() {
        #expect(authorization("GET", "https://examplebucket.s3.amazonaws.com/test.txt", headers: [("Range", "bytes=0-9")], payloadHash: emptyHash)
            == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func putObjectWithAnEscapedKey() {
        let body = Array("Welcome to Amazon S3.".utf8)
        let hash = SigV4Signer.payloadHash(body)
        #expect(hash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        #expect(authorization("PUT", "https://examplebucket.s3.amazonaws.com/test%24file.text",
                              headers: [("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY")], payloadHash: hash)
            == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test func queryParametersAreSortedAndAValuelessOneSignsAsEmpty() {
        #expect(authorization("GET", "https://examplebucket.s3.amazonaws.com/?lifecycle", payloadHash: emptyHash)?.hasSuffix(
            "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543") == true)
        #expect(authorization("GET", "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J", payloadHash: emptyHash)?.hasSuffix(
            "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7") == true)
    }

    @Test func locationsParse() {
        #expect(S3Location(uri: "s3://lake/warehouse/db/t/data/a b.parquet") == S3Location(bucket: "lake", key: "warehouse/db/t/data/a b.parquet"))
        #expect(S3Location(uri: "s3a://lake/x") == S3Location(bucket: "lake", key: "x"))
        #expect(S3Location(uri: "file:///tmp/x") == nil)
        #expect(S3Location(uri: "s3:///x") == nil)
    }
}
